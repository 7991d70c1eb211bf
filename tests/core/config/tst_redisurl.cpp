#include "config/redisurl.h"

#include <QTest>

using namespace aether;

class TestRedisUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesValidUrls_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("socket");
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("db");
        QTest::newRow("plain") << "redis://localhost"
                               << "localhost" << 6379 << ""
                               << "" << 0;
        QTest::newRow("port and db") << "redis://10.0.0.5:6390/3"
                                     << "10.0.0.5" << 6390 << ""
                                     << "" << 3;
        QTest::newRow("password") << "redis://:s3cret@host:1/0"
                                  << "host" << 1 << ""
                                  << "s3cret" << 0;
        QTest::newRow("encoded password") << "redis://:p%40ss@h:2/1"
                                          << "h" << 2 << ""
                                          << "p@ss" << 1;
        QTest::newRow("ipv6") << "redis://[::1]:7000/0"
                              << "::1" << 7000 << ""
                              << "" << 0;
        QTest::newRow("unix") << "unix:///run/redis.sock"
                              << "" << 6379 << "/run/redis.sock"
                              << "" << 0;
        QTest::newRow("unix db") << "unix:///tmp/r.sock?db=4"
                                 << "" << 6379 << "/tmp/r.sock"
                                 << "" << 4;
        QTest::newRow("trailing slash") << "redis://h:5/"
                                        << "h" << 5 << ""
                                        << "" << 0;
    }
    void parsesValidUrls()
    {
        QFETCH(QString, text);
        QString error;
        const auto url = RedisUrl::parse(text, &error);
        QVERIFY2(url.has_value(), qPrintable(error));
        QTEST(url->host, "host");
        QTEST(url->port, "port");
        QTEST(url->socketPath, "socket");
        QTEST(url->password, "password");
        QTEST(url->db, "db");
    }

    void refusesInvalidUrls_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("http") << "http://host:6379";
        QTest::newRow("tls") << "rediss://host";
        QTest::newRow("no host") << "redis://:pw@/0";
        QTest::newRow("bad db") << "redis://h/abc";
        QTest::newRow("negative db") << "redis://h/-1";
        QTest::newRow("relative socket") << "unix://relative.sock";
        QTest::newRow("garbage") << "not a url at all";
    }
    void refusesInvalidUrls()
    {
        QFETCH(QString, text);
        QString error;
        QVERIFY(!RedisUrl::parse(text, &error).has_value());
        QVERIFY(!error.isEmpty());
    }

    void displayNeverShowsThePassword()
    {
        QString error;
        const auto url = RedisUrl::parse(QStringLiteral("redis://:hunter2@h:1/2"), &error);
        QVERIFY(!url->toDisplayString().contains(QStringLiteral("hunter2")));
        QVERIFY(url->toDisplayString().contains(QStringLiteral("h:1/2")));
    }

    // The settings dialog writes the URL in effect back into the file.
    void theUrlStringReadsBackTheSame_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << QStringLiteral("redis://example.org:6380/3");
        QTest::newRow("password with delimiters")
            << QStringLiteral("redis://:p%40ss%3Aw%2Frd@h:1/2");
        QTest::newRow("user and password")
            << QStringLiteral("redis://alice:secret@10.0.0.2:6379/0");
        QTest::newRow("unix socket") << QStringLiteral("unix:///run/redis/redis.sock?db=4");
        QTest::newRow("unix socket with a password and a space")
            << QStringLiteral("unix://:s3cret@/run/my%20redis/redis.sock?db=2");
    }

    void theUrlStringReadsBackTheSame()
    {
        QFETCH(QString, text);
        QString error;
        const auto url = RedisUrl::parse(text, &error);
        QVERIFY2(url, qPrintable(error));
        const auto again = RedisUrl::parse(url->toUrlString(), &error);
        QVERIFY2(again, qPrintable(url->toUrlString() + QLatin1Char(' ') + error));
        QCOMPARE(again->host, url->host);
        QCOMPARE(again->port, url->port);
        QCOMPARE(again->socketPath, url->socketPath);
        QCOMPARE(again->username, url->username);
        QCOMPARE(again->password, url->password);
        QCOMPARE(again->db, url->db);
    }
};

QTEST_GUILESS_MAIN(TestRedisUrl)
#include "tst_redisurl.moc"
