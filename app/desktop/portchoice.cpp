#include "desktop/portchoice.h"

#include <QHostAddress>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QTcpServer>

namespace aether {

namespace {

QHostAddress listenAddress(const QString &host)
{
    return host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                              : QHostAddress(host);
}

} // namespace

bool portIsTaken(const QString &host, quint16 port)
{
    QTcpServer probe;
    if (probe.listen(listenAddress(host), port))
        return false;
    return probe.serverError() == QAbstractSocket::AddressInUseError;
}

quint16 freePortOn(const QString &host)
{
    QTcpServer probe;
    return probe.listen(listenAddress(host), 0) ? probe.serverPort() : 0;
}

quint16 askForOtherPort(QWidget *parent, const QString &host, quint16 taken, quint16 suggestion)
{
    QMessageBox box(QMessageBox::Warning, QObject::tr("Port in use"),
                    QObject::tr("Port %1 on %2 is already in use (perhaps another Aether Ingest "
                                "or aether-ingestd is running), so the REST API cannot start "
                                "there.")
                        .arg(taken)
                        .arg(host),
                    QMessageBox::NoButton, parent);
    QPushButton *useFree = suggestion ? box.addButton(QObject::tr("Use port %1").arg(suggestion),
                                                      QMessageBox::AcceptRole)
                                      : nullptr;
    QPushButton *choose = box.addButton(QObject::tr("Choose a port…"), QMessageBox::ActionRole);
    box.addButton(QObject::tr("Quit"), QMessageBox::RejectRole);
    box.setInformativeText(QObject::tr("Settings can make another port the default."));
    box.exec();
    if (useFree && box.clickedButton() == useFree)
        return suggestion;
    if (box.clickedButton() != choose)
        return 0;
    bool ok = false;
    const int port =
        QInputDialog::getInt(parent, QObject::tr("Port"), QObject::tr("Listen on port:"),
                             suggestion ? suggestion : taken + 1, 1, 65535, 1, &ok);
    return ok ? quint16(port) : 0;
}

} // namespace aether
