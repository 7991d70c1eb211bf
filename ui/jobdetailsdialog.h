#pragma once

#include <QDialog>

class QPlainTextEdit;
class QTreeWidget;
class QLabel;

namespace aether {

class ApiClient;

// One job in full: its timeline (created, queued, each attempt, ended) and the
// JSON of GET /ops/jobs/{id}. Loads asynchronously; Refresh loads again.
class JobDetailsDialog : public QDialog
{
    Q_OBJECT

public:
    JobDetailsDialog(ApiClient *api, QString jobId, QWidget *parent = nullptr);

    void reload();

private:
    void showJob(const QJsonObject &job);

    ApiClient *m_api;
    QString m_jobId;
    QLabel *m_summary;
    QTreeWidget *m_timeline;
    QPlainTextEdit *m_json;
};

} // namespace aether
