#pragma once

#include <QString>
#include <QStringView>
#include <QXmlStreamReader>

// Small helpers for walking Office Open XML and OpenDocument parts with
// QXmlStreamReader. Elements are matched by local name: the prefixes differ
// between transitional and strict OOXML, the local names do not.
namespace aether::officexml {

inline bool isStart(const QXmlStreamReader &xml, QStringView name)
{
    return xml.isStartElement() && xml.name() == name;
}

inline bool isEnd(const QXmlStreamReader &xml, QStringView name)
{
    return xml.isEndElement() && xml.name() == name;
}

// The attribute with this local name; with `qualified`, only one that has a
// namespace ("r:id", not "id").
inline QString attribute(const QXmlStreamReader &xml, QStringView name, bool qualified = false)
{
    for (const QXmlStreamAttribute &attribute : xml.attributes()) {
        if (attribute.name() == name && (!qualified || !attribute.namespaceUri().isEmpty()))
            return attribute.value().toString();
    }
    return {};
}

} // namespace aether::officexml
