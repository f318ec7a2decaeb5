# The dependency rule: each folder is one library, and a library may use only the folders listed
# after it and what those may use in turn. Both the link lines (kpk_library below) and the
# include check (cmake/check_layers.py, run by every build) read this table, so a new include
# across the rule fails the build. A folder's subfolders are separate libraries, except where
# a rule's folder ends in "/**": the codec with its generated code, and the command tree.
#

# A rule: the folder, then the folders it may use. Stored for kpk_library.
function(kpk_layer_rule folder)
  set_property(GLOBAL PROPERTY "KPK_LAYER_USES_${folder}" ${ARGN})
endfunction()

# A folder's library is named after it: broker/storage -> kpk_broker_storage.
function(kpk_layer_target folder out)
  string(REGEX REPLACE "/\\*\\*$" "" folder "${folder}")
  string(REPLACE "/" "_" name "${folder}")
  set(${out} "kpk_${name}" PARENT_SCOPE)
endfunction()

# kpk_library(FOLDER SOURCES...): the folder's static library, linked to the libraries its rule
# names (and through them, to theirs). Third-party libraries are added by the folder itself.
function(kpk_library folder)
  get_property(uses GLOBAL PROPERTY "KPK_LAYER_USES_${folder}")
  kpk_layer_target("${folder}" target)
  add_library(${target} STATIC ${ARGN})
  add_dependencies(${target} kpk_layer_check)
  # Compiled in batches: most of a file's compile time is the headers every file in the folder
  # shares (Asio, fmt, the codec), parsed once per batch instead of once per file. Small
  # batches keep a one-file change cheap. Names in anonymous namespaces share a batch's scope.
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  foreach(dep IN LISTS uses)
    kpk_layer_target("${dep}" dep_target)
    target_link_libraries(${target} PUBLIC ${dep_target})
  endforeach()
endfunction()

# Every build checks the includes first (a fraction of a second), so an include that breaks
# the rule fails the build before anything compiles.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_custom_target(kpk_layer_check
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/cmake/check_layers.py ${PROJECT_SOURCE_DIR}
  COMMENT "Checking includes against the dependency rule (cmake/Layers.cmake)"
  VERBATIM)

#              folder                 may use
kpk_layer_rule(common)
kpk_layer_rule(broker/protocol/**     common)
kpk_layer_rule(broker/storage         broker/protocol/**)
kpk_layer_rule(broker/metrics         common)
kpk_layer_rule(broker/net             broker/protocol/** broker/metrics)
kpk_layer_rule(broker/core            broker/storage broker/net)
kpk_layer_rule(broker/groups          broker/core)
kpk_layer_rule(broker/transactions    broker/groups)
kpk_layer_rule(broker/handlers        broker/transactions)
kpk_layer_rule(broker/admin           broker/core)
kpk_layer_rule(broker                 broker/handlers broker/admin)
kpk_layer_rule(cli/format             common)
kpk_layer_rule(cli/config             cli/format)
kpk_layer_rule(cli/client             cli/config broker/protocol/**)
kpk_layer_rule(cli                    cli/client)
kpk_layer_rule(cli/commands/**        cli broker)
kpk_layer_rule(cli/main.cc            cli/commands/**)
