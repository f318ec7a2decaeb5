#include "cli/client/kafka_records.h"

namespace kpk::cli {
inline namespace client {

void ToRecordView(const rd_kafka_message_t* msg, bool with_headers, RecordView* view,
                  int compression) {
  view->topic = msg->rkt != nullptr ? rd_kafka_topic_name(msg->rkt) : std::string_view();
  view->key_null = msg->key == nullptr;
  view->key = view->key_null ? std::string_view()
                             : std::string_view(static_cast<const char*>(msg->key), msg->key_len);
  view->value_null = msg->payload == nullptr;
  view->value = view->value_null
                    ? std::string_view()
                    : std::string_view(static_cast<const char*>(msg->payload), msg->len);
  view->partition = msg->partition;
  // librdkafka's "no offset" (acks=0 deliveries) is -1001; -1 is the usual spelling of unknown.
  view->offset = msg->offset < 0 ? -1 : msg->offset;
  rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  view->timestamp_ms = rd_kafka_message_timestamp(msg, &tstype);
  view->timestamp_type = tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? 0
                         : tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1
                                                                        : -1;
  view->compression = compression;
  view->headers.clear();
  if (!with_headers) return;
  rd_kafka_headers_t* headers = nullptr;
  // The headers stay owned by the message.
  if (rd_kafka_message_headers(msg, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    view->headers.push_back({name, value != nullptr
                                       ? std::string_view(static_cast<const char*>(value), size)
                                       : std::string_view()});
  }
}

}  // namespace client
}  // namespace kpk::cli
