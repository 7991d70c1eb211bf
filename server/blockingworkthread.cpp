#include "server/blockingworkthread.h"

namespace aether {

BlockingWorkThread::BlockingWorkThread(const QString &name, QObject *parent)
    : QObject(parent), m_context(new QObject)
{
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

BlockingWorkThread::~BlockingWorkThread()
{
    runAndWait([] {}); // quit() alone would drop what is still queued
    m_thread.quit();
    m_thread.wait();
}

void BlockingWorkThread::runAndWait(const std::function<void()> &work)
{
    QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
}

} // namespace aether
