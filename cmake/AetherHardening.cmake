# The build flags Debian builds its packages with (dpkg-buildflags with every
# hardening feature: stack protector, _FORTIFY_SOURCE, format checks, RELRO,
# BIND_NOW; Debian's gcc makes PIE by default), so the programs we package are
# hardened as lintian expects. Off for the sanitizer presets (CMakePresets.json):
# _FORTIFY_SOURCE and the sanitizers check the same calls in conflicting ways.
option(AETHER_HARDENING "Compile and link with dpkg-buildflags' hardening flags" ON)
find_program(DPKG_BUILDFLAGS_EXECUTABLE dpkg-buildflags)
if(AETHER_HARDENING AND DPKG_BUILDFLAGS_EXECUTABLE)
    foreach(kind CPPFLAGS CXXFLAGS LDFLAGS)
        execute_process(
            COMMAND ${CMAKE_COMMAND} -E env DEB_BUILD_MAINT_OPTIONS=hardening=+all
                    ${DPKG_BUILDFLAGS_EXECUTABLE} --get ${kind}
            OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
        separate_arguments(flags UNIX_COMMAND "${flags}")
        # The build type chooses -O and -g; the prefix map (for reproducible
        # packages) would turn __FILE__ into a path relative to where cmake ran.
        list(FILTER flags EXCLUDE REGEX "^-O|^-g$|^-ffile-prefix-map=")
        set(AETHER_${kind} ${flags})
    endforeach()
    add_compile_options(${AETHER_CPPFLAGS} ${AETHER_CXXFLAGS})
    add_link_options(${AETHER_LDFLAGS})
    message(STATUS "Hardening (dpkg-buildflags): ${AETHER_CPPFLAGS} ${AETHER_CXXFLAGS} ${AETHER_LDFLAGS}")
elseif(AETHER_HARDENING)
    message(STATUS "Hardening: dpkg-buildflags not found (install dpkg-dev), building without")
endif()
