// An array of librdkafka admin request objects (NewTopic, ConfigResource, ...) destroyed with
// the matching *_destroy_array function. Internal to the admin wrappers.
#pragma once

#include <cstddef>
#include <vector>

namespace kpk::cli {
inline namespace client {

template <typename T, void (*Destroy)(T**, size_t)>
class OwnedArray {
 public:
  OwnedArray() = default;
  OwnedArray(const OwnedArray&) = delete;
  OwnedArray& operator=(const OwnedArray&) = delete;
  ~OwnedArray() { Destroy(items_.data(), items_.size()); }
  void push_back(T* item) { items_.push_back(item); }
  T** data() { return items_.data(); }
  size_t size() const { return items_.size(); }

 private:
  std::vector<T*> items_;
};

}  // namespace client
}  // namespace kpk::cli
