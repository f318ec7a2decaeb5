#include "cli/client/admin_client.h"

#include <curl/curl.h>
#include <fmt/core.h>

#include <memory>
#include <mutex>

namespace kpk::cli {
inline namespace client {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

void SetTls(CURL* curl, const TlsConfig& tls) {
  if (!tls.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, tls.key_file.c_str());
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

}  // namespace

std::string AdminResponse::ErrorMessage() const {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    return j["message"].get<std::string>();
  }
  return body.empty() ? fmt::format("HTTP {}", status) : body;
}

AdminClient::AdminClient(const ConnectionConfig& config)
    : hosts_(config.admin_hosts),
      tls_(config.admin_tls),
      auth_(config.sasl),
      dial_timeout_(config.dial_timeout),
      request_timeout_(config.request_timeout_overhead) {
  InitCurlOnce();
}

Result<AdminResponse> AdminClient::SendTo(const std::string& host, std::string_view method,
                                          std::string_view path, std::string_view body) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Err(Status::IOError("libcurl could not start a request"));
  AdminResponse response{host, 0, {}};
  std::string url = fmt::format("{}://{}{}", tls_.enabled ? "https" : "http", host, path);
  std::string method_text(method);
  std::string body_text(body);
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method_text.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(dial_timeout_.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request_timeout_.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  std::unique_ptr<curl_slist, CurlDeleter> headers(
      curl_slist_append(nullptr, "Accept: application/json"));
  if (!body.empty() || method == "PUT" || method == "POST") {
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body_text.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body_text.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (!auth_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, auth_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, auth_.password.c_str());
  }
  if (tls_.enabled) SetTls(c, tls_);
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    std::string cause = error[0] != '\0' ? error : curl_easy_strerror(code);
    auto status =
        code == CURLE_OPERATION_TIMEDOUT ? Status::TimedOut(cause) : Status::Unavailable(cause);
    return Err(status);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

Result<AdminResponse> AdminClient::Send(std::string_view method, std::string_view path,
                                        std::string_view body) const {
  if (hosts_.empty()) return Err(Status::InvalidArgument("no Admin API hosts (-X admin.hosts)"));
  std::string causes;
  for (const std::string& host : hosts_) {
    Result<AdminResponse> response = SendTo(host, method, path, body);
    if (response) return response;
    causes += fmt::format("{}{}: {}", causes.empty() ? "" : "; ", host, response.error().message());
  }
  return Err(Status::Unavailable(fmt::format("no Admin API answered: {}", causes)));
}

Result<Json> JsonOf(const AdminResponse& response) {
  if (!response.ok()) {
    return Err(Status::InvalidArgument(fmt::format("HTTP {} from {}: {}", response.status,
                                                   response.host, response.ErrorMessage())));
  }
  Json j = Json::parse(response.body, nullptr, false);
  if (j.is_discarded()) {
    return Err(Status::Corruption(fmt::format("{} answered with invalid JSON", response.host)));
  }
  return j;
}

Result<Json> AdminClient::GetJson(std::string_view path) const {
  Result<AdminResponse> response = Send("GET", path);
  if (!response) return Err(response.error());
  return JsonOf(*response);
}

Result<Json> AdminClient::PutJson(std::string_view path, const Json& body) const {
  Result<AdminResponse> response = Send("PUT", path, body.dump());
  if (!response) return Err(response.error());
  return JsonOf(*response);
}

}  // namespace client
}  // namespace kpk::cli
