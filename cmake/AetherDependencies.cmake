# The libraries core/ and server/ build with, from Debian 12's packages
# (installer/install-build-deps.sh installs them). Included by the main build
# and by fuzz/, which builds core/ on its own with clang.
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Network Sql HttpServer)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(POPPLER_QT6 REQUIRED IMPORTED_TARGET poppler-qt6)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)       # HTML5 parsing
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)     # Office and ODF containers
pkg_check_modules(UCHARDET REQUIRED IMPORTED_TARGET uchardet) # legacy text encodings
pkg_check_modules(TESSERACT REQUIRED IMPORTED_TARGET tesseract lept) # OCR
pkg_check_modules(MD4C REQUIRED IMPORTED_TARGET md4c)     # Markdown
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0) # e-mail (MIME)
# Snowball stemmers: Debian's libstemmer-dev ships no pkg-config file.
if(NOT TARGET Stemmer::stemmer)
    find_library(STEMMER_LIBRARY stemmer REQUIRED)
    find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
    add_library(Stemmer::stemmer UNKNOWN IMPORTED)
    set_target_properties(Stemmer::stemmer PROPERTIES IMPORTED_LOCATION "${STEMMER_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${STEMMER_INCLUDE_DIR}")
endif()
