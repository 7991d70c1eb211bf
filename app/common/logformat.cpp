#include "common/logformat.h"

#include <QString>

namespace aether {

void installLogFormat()
{
    qSetMessagePattern(
        QStringLiteral("%{time yyyy-MM-dd HH:mm:ss.zzz} "
                       "%{if-debug}DEBUG%{endif}%{if-info}INFO %{endif}%{if-warning}WARN "
                       "%{endif}%{if-critical}ERROR%{endif}%{if-fatal}FATAL%{endif} %{message}"));
}

} // namespace aether
