#include "freeport.h"

#include <QTcpServer>

namespace aether::test {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace aether::test
