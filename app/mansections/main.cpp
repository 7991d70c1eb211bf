// aether-mansections <program>: the ENVIRONMENT, FILES, EXIT STATUS and SEE ALSO
// sections of a program's manual page, as a help2man include file. ENVIRONMENT
// is written from the one option table (core/config/settingoptions.cpp) that
// also makes --help, so the page can name no setting the program lacks.
// A build tool (installer/packagedocs.cmake); not installed.
#include "config/settingoptions.h"

#include <QString>
#include <QTextStream>
#include <cstdio>

using namespace aether;

namespace {

// roff: a backslash is an escape, a leading dot or quote a request; hyphens in
// names and flags are minus signs.
QString roff(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\e"));
    text.replace(QLatin1Char('-'), QStringLiteral("\\-"));
    if (text.startsWith(QLatin1Char('.')) || text.startsWith(QLatin1Char('\'')))
        text.prepend(QStringLiteral("\\&"));
    return text;
}

void writeEnvironment(QTextStream &out)
{
    out << "[ENVIRONMENT]\n"
           "Every setting is read from the command line, then the environment, then the\n"
           "settings file (keys named like the variables); the first found wins.\n";
    for (const SettingOption &option : settingOptions()) {
        out << ".TP\n.B " << roff(option.envName()) << "\n"
            << roff(QString::fromLatin1(option.help)) << " Also \\fB\\-\\-"
            << roff(QString::fromLatin1(option.flag)) << "\\fR \\fI"
            << roff(QString::fromLatin1(option.valueName)) << "\\fR.\n";
    }
    out << ".TP\n.B AETHER_CONFIG\nThe settings file, as \\fB\\-\\-config\\fR.\n"
           ".TP\n.B INVOCATION_ID\nSet by systemd for the services it starts: with "
           "SYSTEM_SERVICE=auto the program then runs as a system service and refuses the "
           "development keys.\n"
           ".TP\n.B JOURNAL_STREAM\nSet by systemd when standard error is the journal: log "
           "lines then carry syslog priorities and no time of their own.\n"
           ".TP\n.B NOTIFY_SOCKET\nSet by systemd for Type=notify units: the program reports "
           "READY, STOPPING and watchdog pings there.\n";
}

void writeFiles(QTextStream &out, const QString &program)
{
    out << "[FILES]\n";
    if (program == QLatin1String("aether-ingestd")) {
        out << ".TP\n.I /etc/aether\\-ingest/aether\\-ingestd.env\n"
               "The services' settings and the API keys the package generated on first "
               "install (mode 0640, root:aether\\-ingest).\n"
               ".TP\n.I /var/lib/aether\\-ingest\n"
               "The services' data: the store \\fIknowledge.db\\fR and the private Redis.\n"
               ".TP\n.I /lib/systemd/system/aether\\-ingestd.service\n"
               "The server unit; \\fIaether\\-ingestd\\-worker@.service\\fR runs extra "
               "\\fB\\-\\-no\\-server\\fR workers.\n"
               ".TP\n.I /usr/share/aether\\-ingest/aether\\-ingestd.env\n"
               "The settings template, every setting with its default.\n";
    }
    out << ".TP\n.I ~/.config/aether\\-ingest/aether\\-ingest.conf\n"
           "The settings file when neither \\fB\\-\\-config\\fR nor AETHER_CONFIG names one.\n"
           ".TP\n.I ~/.local/share/aether\\-ingest/\n"
           "The data directory (AETHER_DATA_DIR) when run by a user: the store and the private "
           "Redis.\n";
}

void writeExitStatus(QTextStream &out)
{
    out << "[EXIT STATUS]\n"
           ".TP\n.B 0\nStopped by SIGTERM or SIGINT after running jobs finished or went back to "
           "the queue; or \\fB\\-\\-help\\fR, \\fB\\-\\-version\\fR.\n"
           ".TP\n.B 1\nCould not start: Redis, the store or the listen port was not usable; the "
           "last log line says why.\n"
           ".TP\n.B 2\nA setting is invalid, or the development keys would be used by a system "
           "service; one line on standard error names it.\n";
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc != 2) {
        std::fputs("usage: aether-mansections <program>\n", stderr);
        return 2;
    }
    const QString program = QString::fromLocal8Bit(argv[1]);
    QTextStream out(stdout);
    writeEnvironment(out);
    out << "\n";
    writeFiles(out, program);
    out << "\n";
    writeExitStatus(out);
    out << "\n[SEE ALSO]\n";
    if (program == QLatin1String("aether-ingestd"))
        out << ".BR aether\\-ingest (1),\n.BR systemd.exec (5),\n.BR redis\\-server (1)\n";
    else
        out << ".BR aether\\-ingestd (1)\n";
    out << ".PP\nThe README in /usr/share/doc/aether\\-ingestd/ has the HTTP API and examples.\n";
    return 0;
}
