# Installation layout and the CPack packages, included from the top-level
# CMakeLists.txt after the programs are defined. Two Debian packages, so that a
# server gets no Qt Widgets or X11 platform plugins:
#   aether-ingestd  (component daemon): the headless server and workers, systemd
#                   units, sysusers.d and tmpfiles.d entries, the env template;
#   aether-ingest   (component desktop): the desktop program, menu entry,
#                   AppStream data, icons; it depends on aether-ingestd.
# And one .tar.gz of both. `installer/check-package.sh <build-dir>` builds and
# checks them.
include(GNUInstallDirs)

set(AETHER_INSTALLER_DIR ${CMAKE_CURRENT_LIST_DIR})
set(AETHER_DEB_REVISION 2)
set(AETHER_DEB_VERSION ${PROJECT_VERSION}-${AETHER_DEB_REVISION})

# The service. Debian 12 keeps units in /lib/systemd/system.
install(FILES ${AETHER_INSTALLER_DIR}/systemd/aether-ingestd.service
              ${AETHER_INSTALLER_DIR}/systemd/aether-ingestd-worker@.service
        DESTINATION /lib/systemd/system COMPONENT daemon)
install(FILES ${AETHER_INSTALLER_DIR}/systemd/aether-ingest.sysusers
        DESTINATION /usr/lib/sysusers.d RENAME aether-ingest.conf
        COMPONENT daemon)
install(FILES ${AETHER_INSTALLER_DIR}/systemd/aether-ingest.tmpfiles
        DESTINATION /usr/lib/tmpfiles.d RENAME aether-ingest.conf
        COMPONENT daemon)
# The settings template; the postinst makes /etc/aether-ingest/aether-ingestd.env
# from it with generated keys (installer/debian/postinst).
install(FILES ${AETHER_INSTALLER_DIR}/aether-ingestd.env
        DESTINATION ${CMAKE_INSTALL_DATADIR}/aether-ingest COMPONENT daemon)

# Desktop integration, with the desktop program.
if(TARGET aether-ingest)
    install(FILES ${AETHER_INSTALLER_DIR}/aether-ingest.desktop
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT desktop)
    install(FILES ${AETHER_INSTALLER_DIR}/io.github.aetheringest.AetherIngest.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT desktop)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/aether-ingest.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT desktop)
    foreach(size 16 22 24 32 48 64 128 256)
        install(FILES ${AETHER_INSTALLER_DIR}/icons/aether-ingest-${size}.png
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
                RENAME aether-ingest.png COMPONENT desktop)
    endforeach()
endif()

include(${AETHER_INSTALLER_DIR}/packagedocs.cmake)

set(CPACK_PACKAGE_NAME aether-ingest)
set(CPACK_PACKAGE_VENDOR "The Aether Ingest developers")
set(CPACK_PACKAGE_CONTACT "The Aether Ingest developers <maintainers@aetheringest.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local knowledge ingestion with a REST API and job queue")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/aetheringest/aether-ingest")
set(CPACK_GENERATOR DEB TGZ)
# /etc, /lib/systemd and /usr/lib/*.d are absolute destinations: stage every file under DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME aether-ingest_${AETHER_DEB_VERSION}_amd64)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_COMPONENTS_ALL daemon)
if(TARGET aether-ingest)
    list(APPEND CPACK_COMPONENTS_ALL desktop)
endif()
# One .tar.gz of every component; one .deb per component.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_DEB_COMPONENT_INSTALL ON)

set(CPACK_DEBIAN_PACKAGE_SOURCE aether-ingest)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${AETHER_DEB_REVISION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# aether-ingestd. Detection misses plugins, programs run at run time and data:
# the SQLite driver, tesseract-ocr-eng (OCR_LANGS=eng, the default), and
# systemd-sysusers and userdel for the maintainer scripts. Until 0.2.0-2 the
# one package aether-ingest held the server too.
set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME aether-ingestd)
set(CPACK_DEBIAN_DAEMON_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS
    "libqt6sql6-sqlite, tesseract-ocr-eng, systemd | systemd-standalone-sysusers | systemd-sysusers, passwd")
set(CPACK_DEBIAN_DAEMON_PACKAGE_RECOMMENDS "redis-server")
set(CPACK_DEBIAN_DAEMON_PACKAGE_BREAKS "aether-ingest (<< 0.2.0-2)")
set(CPACK_DEBIAN_DAEMON_PACKAGE_REPLACES "aether-ingest (<< 0.2.0-2)")
set(CPACK_COMPONENT_DAEMON_DESCRIPTION
    "local knowledge ingestion server with a REST API and job queue\n\
Aether Ingest takes text, web pages and files, answers at once with a job id\n\
and ingests them in the background: worker threads take jobs from a Redis\n\
queue, fetch, extract, chunk, embed and store the content in a local SQLite\n\
vector store that can be searched (keywords, vectors or both).\n\
.\n\
It reads web pages (reduced to their main text), PDF, Office and OpenDocument\n\
files, Markdown, CSV, JSON, e-mail and plain text in any common encoding.\n\
.\n\
This package holds the headless server aether-ingestd, its web dashboard and\n\
systemd units (a server and extra worker processes). On first install it\n\
writes random API keys to /etc/aether-ingest/aether-ingestd.env.")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
    ${AETHER_INSTALLER_DIR}/debian/postinst ${AETHER_INSTALLER_DIR}/debian/prerm
    ${AETHER_INSTALLER_DIR}/debian/postrm)

# aether-ingest: the window needs a platform plugin (xcb, wayland), the SVG
# icon an image plugin.
set(CPACK_DEBIAN_DESKTOP_PACKAGE_NAME aether-ingest)
set(CPACK_DEBIAN_DESKTOP_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_DESKTOP_PACKAGE_DEPENDS
    "aether-ingestd (= ${AETHER_DEB_VERSION}), qt6-qpa-plugins")
set(CPACK_DEBIAN_DESKTOP_PACKAGE_RECOMMENDS "qt6-svg-plugins, redis-server")
set(CPACK_COMPONENT_DESKTOP_DESCRIPTION
    "local knowledge ingestion: desktop program\n\
Aether Ingest takes text, web pages and files, answers at once with a job id\n\
and ingests them in the background into a local vector store that can be\n\
searched (keywords, vectors or both).\n\
.\n\
This package holds the desktop program aether-ingest: drop files on its\n\
window, watch folders, search, and follow the jobs; it runs the same REST API\n\
as the server for scripts.")

include(CPack)

# The package check runs with the README's test command (ctest -L package alone).
if(AETHER_BUILD_TESTS)
    add_test(NAME package_check
             COMMAND ${AETHER_INSTALLER_DIR}/check-package.sh ${CMAKE_BINARY_DIR})
    set_tests_properties(package_check PROPERTIES LABELS package TIMEOUT 600 RUN_SERIAL ON)
endif()
