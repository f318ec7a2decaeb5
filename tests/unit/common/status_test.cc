#include "common/status.h"

#include <doctest/doctest.h>

#include <cerrno>

TEST_CASE("status codes and messages") {
  CHECK(kpk::Status::OK().ok());
  CHECK(kpk::Status().ToString() == "OK");
  auto s = kpk::Status::Corruption("bad crc at 42");
  CHECK_FALSE(s.ok());
  CHECK(s.ToString() == "corruption: bad crc at 42");
  CHECK(kpk::Status::FromErrno(ENOSPC, "write").code() == kpk::Status::Code::kNoSpace);
  CHECK(kpk::Status::FromErrno(ENOENT, "open x").message().starts_with("open x: "));
}

TEST_CASE("result carries a value or a status") {
  kpk::Result<int> good = 7;
  kpk::Result<int> bad = kpk::Err(kpk::Status::NotFound("topic t"));
  CHECK(*good == 7);
  CHECK_FALSE(bad.has_value());
  CHECK(bad.error().code() == kpk::Status::Code::kNotFound);
}
