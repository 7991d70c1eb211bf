#pragma once

#include <QObject>
#include <QThread>
#include <functional>

namespace aether {

// A thread for work that blocks (SQLite, an embedding service), so the HTTP
// thread never waits on it. Work runs there one item at a time, in order;
// each result is handed back on the thread that owns this object. Whatever
// the work opens there (SQLite connections are bound to their thread) is
// closed there too, with runAndWait() before the owner goes away.
class BlockingWorkThread : public QObject
{
    Q_OBJECT

public:
    explicit BlockingWorkThread(const QString &name, QObject *parent = nullptr);
    ~BlockingWorkThread() override; // runs the work already queued, then stops

    template<typename Result>
    void run(std::function<Result()> work, std::function<void(const Result &)> done)
    {
        QMetaObject::invokeMethod(m_context, [this, work = std::move(work),
                                              done = std::move(done)] {
            Result result = work();
            // Queued to this object: dropped if it is gone by then.
            QMetaObject::invokeMethod(this, [done, result = std::move(result)] { done(result); });
        });
    }

    // Runs `work` on the thread and returns when it is done.
    void runAndWait(const std::function<void()> &work);

private:
    QThread m_thread;
    QObject *m_context; // lives on m_thread: queued calls run there
};

} // namespace aether
