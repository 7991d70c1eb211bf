#pragma once

#include <QString>
#include <optional>

namespace aether {

// Ranked: a higher role may do everything a lower one may.
enum class Role
{
    Viewer = 1,
    Editor = 2,
    Admin = 3
};

inline QString roleName(Role role)
{
    switch (role) {
    case Role::Viewer:
        return QStringLiteral("viewer");
    case Role::Editor:
        return QStringLiteral("editor");
    case Role::Admin:
        return QStringLiteral("admin");
    }
    return {};
}

inline std::optional<Role> roleFromName(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1String("viewer"))
        return Role::Viewer;
    if (lower == QLatin1String("editor"))
        return Role::Editor;
    if (lower == QLatin1String("admin"))
        return Role::Admin;
    return std::nullopt;
}

} // namespace aether
