// fmt's compiled part, built from the headers Debian's libfmt-dev installs, so that kpk links
// fmt statically (Debian ships only libfmt.so). With libstdc++ static too (cli/CMakeLists.txt),
// a command has two shared libraries fewer to load and bind: about 1.5 ms of every `kpk`
// command's start, which is what separates `kpk cluster info` from `kcat -L`.
#include <fmt/format-inl.h>

// format-inl.h defines these templates; fmt's own library instantiates them for char.
namespace fmt::detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl<char>(locale_ref) -> char;
}  // namespace fmt::detail
