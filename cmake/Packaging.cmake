# Install rules and CPack .deb settings. The layout follows Debian's conventions.
include(GNUInstallDirs)
install(TARGETS kpk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kpk)
set(CPACK_PACKAGE_CONTACT "kpk developers <kpk@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Kafka admin CLI and dev broker")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "An rpk-style command line for Redpanda and Apache Kafka clusters, with a\n persistent Kafka-compatible dev broker in the same binary.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
