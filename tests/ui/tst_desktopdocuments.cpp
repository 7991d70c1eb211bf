// The Documents tab over a real service (in-process, offscreen): the source
// sidebar with counts, filtering on the service (also when nothing matches),
// the preview of a document's stored text, showDocument(id) for "Show
// document" elsewhere, "Open source", delete only after the question, and
// pages by id so documents stored while the user scrolls are listed once.
#include "desktopfixture.h"
#include "httpclient.h"
#include "jobpoller.h"
#include "ui/documentdescription.h"
#include "ui/documentpreview.h"
#include "ui/documentspanel.h"
#include "ui/mainwindow.h"
#include "ui/sourcelist.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

using namespace aether;
using namespace aether::test;

namespace {

constexpr int kTimeoutMs = 30000;

const QString kAlpineText = QStringLiteral("Moraines are ridges of rock that a glacier pushed "
                                           "ahead of itself and left behind when it melted.");
const QString kBreadText = QStringLiteral("Sourdough needs a lively starter, a long rise and a "
                                          "very hot oven.");
const QString kSoupText = QStringLiteral("Lentil soup: onions, carrots, lentils, cumin; simmer "
                                         "for forty minutes.");

qint64 idAt(const DocumentsPanel *panel, int row)
{
    return panel->documents()->topLevelItem(row)->data(0, Qt::UserRole + 1).toLongLong();
}

qint64 currentId(const DocumentsPanel *panel)
{
    const QTreeWidgetItem *item = panel->documents()->currentItem();
    return item ? item->data(0, Qt::UserRole + 1).toLongLong() : 0;
}

QSet<QString> listedSources(const DocumentsPanel *panel)
{
    QSet<QString> sources;
    for (int row = 0; row < panel->loadedCount(); ++row)
        sources.insert(panel->documents()->topLevelItem(row)->text(2));
    return sources;
}

} // namespace

class TestDesktopDocuments : public QObject
{
    Q_OBJECT

private:
    qint64 ingest(const QString &text, const QString &source, const QJsonObject &metadata = {})
    {
        HttpClient client(m_desktop.baseUrl());
        const QString job = client
                                .postJson(QStringLiteral("/knowledge/ingest-text-async"),
                                          {{QStringLiteral("text"), text},
                                           {QStringLiteral("source"), source},
                                           {QStringLiteral("metadata"), metadata}},
                                          kEditor)
                                .json()
                                .value(QStringLiteral("job_id"))
                                .toString();
        const QJsonObject done = waitForJob(client, job);
        return done.value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("document_id"))
            .toInteger();
    }

    // A file sent as the window sends one: uploaded by name, its path known here only.
    qint64 upload(const QString &path)
    {
        HttpClient client(m_desktop.baseUrl());
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        const QByteArray boundary = "documents-boundary";
        const QString job =
            client
                .post(QStringLiteral("/knowledge/ingest-file-async"),
                      HttpClient::multipart(boundary, QFileInfo(path).fileName().toUtf8(),
                                            file.readAll()),
                      {{"x-api-key", "test-key"},
                       {"x-role", "editor"},
                       {"Content-Type", "multipart/form-data; boundary=" + boundary}})
                .json()
                .value(QStringLiteral("job_id"))
                .toString();
        return waitForJob(client, job)
            .value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("document_id"))
            .toInteger();
    }

    qint64 storedCount(const QString &source = {})
    {
        HttpClient client(m_desktop.baseUrl());
        QString path = QStringLiteral("/knowledge/documents?limit=1");
        if (!source.isEmpty())
            path += QStringLiteral("&source=") + source;
        return client.get(path, kEditor).json().value(QStringLiteral("total")).toInteger();
    }

    // Texts through the batch route, waited for until stored.
    void ingestMany(int count, const QString &source)
    {
        const qint64 before = storedCount(source);
        QJsonArray items;
        for (int i = 0; i < count; ++i)
            items.append(
                QJsonObject{{QStringLiteral("text"),
                             QStringLiteral("%1 entry %2: a short note.").arg(source).arg(i)}});
        HttpClient client(m_desktop.baseUrl());
        QCOMPARE(
            client
                .postJson(QStringLiteral("/knowledge/ingest-batch-async"),
                          {{QStringLiteral("items"), items}, {QStringLiteral("source"), source}},
                          kEditor)
                .status,
            200);
        QTRY_COMPARE_WITH_TIMEOUT(storedCount(source), before + count, 120000);
    }

    void waitUntilListed(DocumentsPanel *panel)
    {
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isLoading() && panel->loadedCount() == panel->totalCount(),
                                 kTimeoutMs);
    }

    DesktopFixture m_desktop;
    qint64 m_alpine = 0;
    qint64 m_bread = 0;
    qint64 m_soup = 0;
    qint64 m_onDisk = 0;
    QString m_onDiskPath;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_desktop.start(), qPrintable(m_desktop.errorText()));
        m_desktop.window()->documentsPanel()->setConfirm([](const QString &) { return false; });
    }

    // Before anything is stored the list says what to do.
    void anEmptyStoreTeachesWhatToDo()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        m_desktop.window()->tabs()->setCurrentWidget(panel);
        QTRY_VERIFY_WITH_TIMEOUT(panel->emptyState()->isVisibleTo(panel), kTimeoutMs);
        QVERIFY2(panel->emptyState()->text().contains(QLatin1String("No documents yet")),
                 qPrintable(panel->emptyState()->text()));
        QVERIFY(panel->emptyState()->text().contains(QLatin1String("Add & jobs")));

        m_alpine = ingest(
            kAlpineText, QStringLiteral("alpine-notes"),
            {{QStringLiteral("region"), QStringLiteral("alps")}, {QStringLiteral("year"), 2025}});
        m_bread = ingest(kBreadText, QStringLiteral("kitchen"));
        m_soup = ingest(kSoupText, QStringLiteral("kitchen"));
        m_onDiskPath = m_desktop.tempPath(QStringLiteral("field-notes.txt"));
        QFile file(m_onDiskPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Field notes kept on this computer.");
        file.close();
        m_onDisk = upload(m_onDiskPath);
        QVERIFY(m_alpine > 0 && m_bread > 0 && m_soup > 0 && m_onDisk > 0);
        panel->refresh();
        waitUntilListed(panel);
        QCOMPARE(panel->loadedCount(), 4);
        QVERIFY(panel->documents()->isVisibleTo(panel));
    }

    void theSidebarCountsSourcesAndFiltersByThem()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        SourceList *sources = panel->sources();
        QTRY_COMPARE_WITH_TIMEOUT(sources->count(), 4, kTimeoutMs); // All + 3 sources
        QVERIFY2(sources->item(0)->text().startsWith(QLatin1String("All sources (4)")),
                 qPrintable(sources->item(0)->text()));
        const int kitchen = sources->rowOf(QStringLiteral("kitchen"));
        QVERIFY(kitchen > 0);
        QCOMPARE(sources->countAt(kitchen), 2);
        QCOMPARE(sources->item(kitchen)->text(), QStringLiteral("kitchen (2)"));
        QCOMPARE(sources->countAt(sources->rowOf(QStringLiteral("alpine-notes"))), 1);

        sources->setCurrentRow(kitchen);
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 2, kTimeoutMs);
        waitUntilListed(panel);
        QCOMPARE(listedSources(panel), QSet<QString>{QStringLiteral("kitchen")});
        sources->setCurrentRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 4, kTimeoutMs);
        waitUntilListed(panel);
    }

    // The service filters: a filter that matches nothing listed so far still
    // finds what is stored, and one matching nothing says so.
    void theFilterAsksTheService()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        panel->filter()->setText(QStringLiteral("ALPINE"));
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 1, kTimeoutMs);
        waitUntilListed(panel);
        QCOMPARE(idAt(panel, 0), m_alpine);
        QVERIFY2(panel->status()->text().startsWith(QLatin1String("1 document matches")),
                 qPrintable(panel->status()->text()));

        panel->filter()->setText(QStringLiteral("no-such-source"));
        QTRY_VERIFY_WITH_TIMEOUT(panel->emptyState()->isVisibleTo(panel), kTimeoutMs);
        QVERIFY2(panel->emptyState()->text().contains(
                     QLatin1String("No document matches \"no-such-source\"")),
                 qPrintable(panel->emptyState()->text()));

        panel->filter()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 4, kTimeoutMs);
        waitUntilListed(panel);
        QVERIFY(panel->documents()->isVisibleTo(panel));
        QVERIFY(!panel->emptyState()->isVisibleTo(panel));
    }

    void thePreviewShowsTheStoredText()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        DocumentPreview *preview = panel->preview();
        panel->documents()->setCurrentItem(
            panel->documents()->topLevelItem(panel->rowOf(m_alpine)));
        QTRY_COMPARE_WITH_TIMEOUT(preview->textView()->toPlainText(), kAlpineText, kTimeoutMs);
        QVERIFY2(preview->metadata()->text().contains(QLatin1String("source alpine-notes")),
                 qPrintable(preview->metadata()->text()));
        // The document's own metadata, on a line of its own.
        QVERIFY2(preview->metadata()->text().contains(QStringLiteral("\nregion: alps · year: 2025")),
                 qPrintable(preview->metadata()->text()));
        // A newer choice wins over an older answer still on its way.
        QSignalSpy shown(preview, &DocumentPreview::textShown);
        panel->documents()->setCurrentItem(panel->documents()->topLevelItem(panel->rowOf(m_bread)));
        panel->documents()->setCurrentItem(panel->documents()->topLevelItem(panel->rowOf(m_soup)));
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
        QCOMPARE(shown.first().first().toLongLong(), m_soup);
        QCOMPARE(preview->textView()->toPlainText(), kSoupText);
    }

    // "Show document" in the jobs table: selected and previewed even when the
    // listing does not hold it.
    void showDocumentSelectsAndPreviews()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        SourceList *sources = panel->sources();
        sources->setCurrentRow(sources->rowOf(QStringLiteral("kitchen")));
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 2, kTimeoutMs);
        waitUntilListed(panel);
        QCOMPARE(panel->rowOf(m_alpine), -1);
        panel->showDocument(m_alpine);
        QTRY_COMPARE_WITH_TIMEOUT(currentId(panel), m_alpine, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panel->preview()->textView()->toPlainText(), kAlpineText,
                                  kTimeoutMs);
        panel->showDocument(m_bread); // listed: selected at once
        QCOMPARE(currentId(panel), m_bread);
        QTRY_COMPARE_WITH_TIMEOUT(panel->preview()->textView()->toPlainText(), kBreadText,
                                  kTimeoutMs);
        sources->setCurrentRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 4, kTimeoutMs);
        waitUntilListed(panel);
    }

    void openSourceOpensAFileOnThisComputerOnly()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        DocumentPreview *preview = panel->preview();
        QList<QUrl> opened;
        preview->setOpener([&opened](const QUrl &url) {
            opened.append(url);
            return true;
        });
        // As the window knows the files dropped on it: by name, to their path.
        panel->setLocalFileLookup([this](const QString &name) {
            return name == QLatin1String("field-notes.txt") ? m_onDiskPath : QString();
        });
        panel->showDocument(m_onDisk);
        QTRY_COMPARE_WITH_TIMEOUT(preview->documentId(), m_onDisk, kTimeoutMs);
        QVERIFY(preview->openButton()->isEnabled());
        preview->openButton()->click();
        QCOMPARE(opened, QList<QUrl>{QUrl::fromLocalFile(m_onDiskPath)});

        panel->showDocument(m_bread);
        QTRY_COMPARE_WITH_TIMEOUT(preview->documentId(), m_bread, kTimeoutMs);
        QVERIFY(!preview->openButton()->isEnabled());
        QVERIFY2(preview->openButton()->toolTip().contains(QLatin1String("sent as text")),
                 qPrintable(preview->openButton()->toolTip()));

        // A path an API caller wrote into a document is never opened, even when
        // a file is there: a caller could plant a launcher or a script.
        const QString planted = m_desktop.tempPath(QStringLiteral("planted.desktop"));
        QFile launcher(planted);
        QVERIFY(launcher.open(QIODevice::WriteOnly));
        launcher.write("[Desktop Entry]\nExec=touch /tmp/owned\n");
        launcher.close();
        QString why;
        QVERIFY(!sourceLocation({{QStringLiteral("source"), planted}}, {}, &why).isValid());
        QVERIFY(!sourceLocation({{QStringLiteral("source"), m_desktop.tempPath(QString())},
                                 {QStringLiteral("filename"), QStringLiteral("planted.desktop")}},
                                {}, &why)
                     .isValid());
        QVERIFY(!sourceLocation({{QStringLiteral("filename"), m_onDiskPath}}, {}, &why).isValid());
        // Even a file this window sent is opened only when it is a document.
        const auto sentHere = [&](const QString &) { return planted; };
        QVERIFY(!sourceLocation({{QStringLiteral("filename"), QStringLiteral("planted.desktop")}},
                                sentHere, &why)
                     .isValid());

        QString whyNot;
        QCOMPARE(sourceLocation({{QStringLiteral("url"), QStringLiteral("https://example.org/a")}},
                                {}, &whyNot),
                 QUrl(QStringLiteral("https://example.org/a")));
        QVERIFY(!sourceLocation({{QStringLiteral("url"), QStringLiteral("file:///etc/passwd")}}, {},
                                &whyNot)
                     .isValid());
        QVERIFY(whyNot.contains(QLatin1String("http")));
        preview->setOpener([](const QUrl &) { return true; });
    }

    void deleteAsksFirstAndListsOnceAfterAllAnswers()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        HttpClient client(m_desktop.baseUrl());
        QStringList asked;
        panel->setConfirm([&asked](const QString &question) {
            asked << question;
            return false;
        });
        panel->documents()->clearSelection();
        panel->documents()->topLevelItem(panel->rowOf(m_bread))->setSelected(true);
        panel->documents()->topLevelItem(panel->rowOf(m_soup))->setSelected(true);
        QSignalSpy listings(panel, &DocumentsPanel::listingStarted);
        panel->documents()->setFocus();
        QTest::keyClick(panel->documents(), Qt::Key_Delete); // as the Delete button does
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked.first().contains(QLatin1String("these 2 documents")),
                 qPrintable(asked.first()));
        QTest::qWait(200);
        QCOMPARE(listings.count(), 0);
        QCOMPARE(client.get(QStringLiteral("/knowledge/documents/%1").arg(m_bread), kEditor).status,
                 200);

        panel->setConfirm([](const QString &) { return true; });
        panel->deleteSelected();
        QTRY_COMPARE_WITH_TIMEOUT(listings.count(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 2, kTimeoutMs);
        waitUntilListed(panel);
        QCOMPARE(listings.count(), 1); // once, after both answers
        QCOMPARE(panel->rowOf(m_bread), -1);
        QCOMPARE(panel->rowOf(m_soup), -1);
        QCOMPARE(client.get(QStringLiteral("/knowledge/documents/%1").arg(m_soup), kEditor).status,
                 404);
        QTRY_COMPARE_WITH_TIMEOUT(panel->sources()->rowOf(QStringLiteral("kitchen")), -1,
                                  kTimeoutMs);

        // A delete that fails says so, and the new listing does not wipe it out.
        panel->documents()->clearSelection();
        panel->documents()->topLevelItem(panel->rowOf(m_alpine))->setSelected(true);
        QCOMPARE(client
                     .send("DELETE", QStringLiteral("/knowledge/documents/%1").arg(m_alpine), {},
                           kEditor)
                     .status,
                 200);
        panel->deleteSelected();
        QTRY_COMPARE_WITH_TIMEOUT(panel->totalCount(), 1, kTimeoutMs);
        waitUntilListed(panel);
        QVERIFY2(panel->status()->text().startsWith(QLatin1String("Delete failed")),
                 qPrintable(panel->status()->text()));
        QVERIFY(panel->status()->text().contains(QLatin1String("1 document stored")));
    }

    // Pages go by id: documents stored while the user scrolls do not push
    // listed ones onto the next page, so nothing is listed twice or missed.
    void documentsStoredWhilePagingAreListedOnce()
    {
        DocumentsPanel *panel = m_desktop.window()->documentsPanel();
        m_desktop.window()->tabs()->setCurrentWidget(panel); // the list grows as it is scrolled
        ingestMany(DocumentsPanel::kPageSize + 100, QStringLiteral("bulk"));
        panel->refresh();
        const qint64 atStart = storedCount();
        QTRY_COMPARE_WITH_TIMEOUT(panel->loadedCount(), DocumentsPanel::kPageSize, kTimeoutMs);
        ingestMany(30, QStringLiteral("later"));
        QScrollBar *bar = panel->documents()->verticalScrollBar();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                bar->setValue(bar->maximum()); // what the user's scrolling does
                return !panel->isLoading() && panel->loadedCount() >= atStart;
            }(),
            kTimeoutMs);
        QTest::qWait(200);
        QCOMPARE(panel->loadedCount(), int(atStart));
        QSet<qint64> ids;
        for (int row = 0; row < panel->loadedCount(); ++row)
            ids.insert(idAt(panel, row));
        QCOMPARE(ids.size(), int(atStart));
        QCOMPARE(panel->totalCount(), atStart + 30);
        QVERIFY2(
            panel->status()->text().contains(QLatin1String("Refresh lists those stored since")),
            qPrintable(panel->status()->text()));
    }
};

QTEST_MAIN(TestDesktopDocuments)
#include "tst_desktopdocuments.moc"
