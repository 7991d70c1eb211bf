# The documentation each package carries, included by installer/packaging.cmake:
# Debian's copyright file and compressed changelogs in /usr/share/doc/<package>,
# the README with the server, and manual pages.

set(DEB_VERSION ${AETHER_DEB_VERSION})
configure_file(${AETHER_INSTALLER_DIR}/debian/changelog.in
               ${CMAKE_BINARY_DIR}/installer/changelog.Debian @ONLY)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz
    COMMAND ${GZIP_EXECUTABLE} -9nkf ${CMAKE_BINARY_DIR}/installer/changelog.Debian
    DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.Debian VERBATIM)
add_custom_target(aether_package_docs ALL DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz)
# The upstream changelog, as Debian names it.
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/installer/changelog.gz
    COMMAND ${GZIP_EXECUTABLE} -9nc ${PROJECT_SOURCE_DIR}/CHANGELOG.md > ${CMAKE_BINARY_DIR}/installer/changelog.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG.md)
add_custom_target(aether_package_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.gz)

foreach(component daemon desktop)
    if(component STREQUAL desktop AND NOT TARGET aether-ingest)
        continue()
    endif()
    set(package aether-ingestd)
    if(component STREQUAL desktop)
        set(package aether-ingest)
    endif()
    set(docdir ${CMAKE_INSTALL_DATADIR}/doc/${package})
    install(FILES ${AETHER_INSTALLER_DIR}/debian/copyright
                  ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz
            DESTINATION ${docdir} COMPONENT ${component})
    if(component STREQUAL daemon)
        install(FILES ${PROJECT_SOURCE_DIR}/README.md ${CMAKE_BINARY_DIR}/installer/changelog.gz
                DESTINATION ${docdir} COMPONENT ${component})
    endif()
endforeach()

# Manual pages: NAME, SYNOPSIS and OPTIONS from --help (help2man); ENVIRONMENT,
# FILES and EXIT STATUS from the option table (app/mansections/main.cpp).
find_program(HELP2MAN_EXECUTABLE help2man)
set(aether-ingestd_SUMMARY "Aether Ingest server: REST API, job queue and ingest workers")
set(aether-ingest_SUMMARY "Aether Ingest desktop program")
set(aether-ingestd_COMPONENT daemon)
set(aether-ingest_COMPONENT desktop)
if(HELP2MAN_EXECUTABLE)
    foreach(program aether-ingestd aether-ingest)
        if(NOT TARGET ${program})
            continue()
        endif()
        set(page ${CMAKE_BINARY_DIR}/installer/${program}.1)
        set(sections ${CMAKE_BINARY_DIR}/installer/${program}.sections)
        add_custom_command(OUTPUT ${page}.gz
            COMMAND $<TARGET_FILE:aether-mansections> ${program} > ${sections}
            COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                    ${HELP2MAN_EXECUTABLE} --no-info --no-discard-stderr --section=1
                    --name=${${program}_SUMMARY} --include=${sections}
                    --output=${page} $<TARGET_FILE:${program}>
            COMMAND ${GZIP_EXECUTABLE} -9nf ${page}
            DEPENDS ${program} aether-mansections)
        add_custom_target(${program}_manpage ALL DEPENDS ${page}.gz)
        install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
                COMPONENT ${${program}_COMPONENT})
    endforeach()
endif()
