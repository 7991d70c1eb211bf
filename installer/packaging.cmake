# Installation layout and the CPack packages (DEB and .tar.gz), included from
# the top-level CMakeLists.txt after the programs are defined. Packages install
# under /usr; `installer/check-package.sh <build-dir>` builds and checks them.
include(GNUInstallDirs)

set(AETHER_INSTALLER_DIR ${CMAKE_CURRENT_LIST_DIR})
set(AETHER_DEB_NAME aether-ingest)
set(AETHER_DEB_VERSION ${PROJECT_VERSION}-1)

# The services: aether-ingestd (server and workers) and extra --no-server workers.
# Debian 12 keeps units in /lib/systemd/system.
install(FILES ${AETHER_INSTALLER_DIR}/systemd/aether-ingestd.service
              ${AETHER_INSTALLER_DIR}/systemd/aether-ingestd-worker@.service
        DESTINATION /lib/systemd/system)
install(FILES ${AETHER_INSTALLER_DIR}/aether-ingestd.env DESTINATION /etc/aether-ingest)

# Desktop integration, with the desktop program.
if(TARGET aether-ingest)
    install(FILES ${AETHER_INSTALLER_DIR}/aether-ingest.desktop
            DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${AETHER_INSTALLER_DIR}/io.github.aetheringest.AetherIngest.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/aether-ingest.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
    foreach(size 16 22 24 32 48 64 128 256)
        install(FILES ${AETHER_INSTALLER_DIR}/icons/aether-ingest-${size}.png
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
                RENAME aether-ingest.png)
    endforeach()
endif()

# Documentation: Debian wants the copyright file and a compressed changelog.
set(AETHER_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/${AETHER_DEB_NAME})
set(DEB_VERSION ${AETHER_DEB_VERSION})
configure_file(${AETHER_INSTALLER_DIR}/debian/changelog.in
               ${CMAKE_BINARY_DIR}/installer/changelog.Debian @ONLY)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz
    COMMAND ${GZIP_EXECUTABLE} -9nkf ${CMAKE_BINARY_DIR}/installer/changelog.Debian
    DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.Debian VERBATIM)
add_custom_target(aether_package_docs ALL DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz)
install(FILES ${AETHER_INSTALLER_DIR}/debian/copyright DESTINATION ${AETHER_DOC_DIR})
install(FILES ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz DESTINATION ${AETHER_DOC_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${AETHER_DOC_DIR})
# The upstream changelog, as Debian names it.
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/installer/changelog.gz
    COMMAND ${GZIP_EXECUTABLE} -9nc ${PROJECT_SOURCE_DIR}/CHANGELOG.md > ${CMAKE_BINARY_DIR}/installer/changelog.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG.md)
add_custom_target(aether_package_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/installer/changelog.gz DESTINATION ${AETHER_DOC_DIR})

# Manual pages from --help and --version (help2man), when it is installed.
find_program(HELP2MAN_EXECUTABLE help2man)
set(aether-ingestd_SUMMARY "Aether Ingest server: REST API, job queue and ingest workers")
set(aether-ingest_SUMMARY "Aether Ingest desktop program")
if(HELP2MAN_EXECUTABLE)
    foreach(program aether-ingestd aether-ingest)
        if(TARGET ${program})
            set(page ${CMAKE_BINARY_DIR}/installer/${program}.1)
            add_custom_command(OUTPUT ${page}.gz
                COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                        ${HELP2MAN_EXECUTABLE} --no-info --no-discard-stderr --section=1
                        --name=${${program}_SUMMARY} --output=${page} $<TARGET_FILE:${program}>
                COMMAND ${GZIP_EXECUTABLE} -9nf ${page}
                DEPENDS ${program} VERBATIM)
            add_custom_target(${program}_manpage ALL DEPENDS ${page}.gz)
            install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
        endif()
    endforeach()
endif()

set(CPACK_PACKAGE_NAME ${AETHER_DEB_NAME})
set(CPACK_PACKAGE_VENDOR "The Aether Ingest developers")
set(CPACK_PACKAGE_CONTACT "The Aether Ingest developers <maintainers@aetheringest.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local knowledge ingestion with a REST API and job queue")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/aetheringest/aether-ingest")
set(CPACK_GENERATOR DEB TGZ)
# /etc and /lib/systemd are absolute destinations: stage every file under DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME ${AETHER_DEB_NAME}_${AETHER_DEB_VERSION}_amd64)
set(CPACK_PACKAGE_CHECKSUM SHA256)

set(CPACK_DEBIAN_PACKAGE_NAME ${AETHER_DEB_NAME})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Detection misses plugins, programs started at run time and data:
# tesseract-ocr-eng is the language data OCR_LANGS=eng (the default) needs.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, adduser, tesseract-ocr-eng")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "redis-server")
if(TARGET aether-ingest)
    # The window needs a platform plugin (xcb, wayland); the SVG icon an image plugin.
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", qt6-qpa-plugins")
    string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", qt6-svg-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Aether Ingest takes text, web pages and files, answers at once with a job id\n\
and ingests them in the background: worker threads take jobs from a Redis\n\
queue, fetch, extract, chunk, embed and store the content in a local SQLite\n\
vector store that can be searched (keywords, vectors or both).\n\
.\n\
It reads web pages (reduced to their main text), PDF, Office and OpenDocument\n\
files, Markdown, CSV, JSON, e-mail and plain text in any common encoding.\n\
.\n\
The package holds the headless server aether-ingestd with systemd units (a\n\
server and extra worker processes) and, when built, the desktop program\n\
aether-ingest with its menu entry.")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${AETHER_INSTALLER_DIR}/debian/postinst ${AETHER_INSTALLER_DIR}/debian/prerm
    ${AETHER_INSTALLER_DIR}/debian/postrm ${AETHER_INSTALLER_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)

# The package check runs with the README's test command (ctest -L package alone).
if(AETHER_BUILD_TESTS)
    add_test(NAME package_check
             COMMAND ${AETHER_INSTALLER_DIR}/check-package.sh ${CMAKE_BINARY_DIR})
    set_tests_properties(package_check PROPERTIES LABELS package TIMEOUT 300 RUN_SERIAL ON)
endif()
