// Views of librdkafka messages as the record formats see them.
#pragma once

#include <librdkafka/rdkafka.h>

#include "cli/format/record.h"

namespace kpk::cli::inline client {

// Fills `view` from `msg` (which must outlive it). Headers are parsed only when asked for,
// since that is the one costly part. `compression` is what the caller knows about the batch.
void ToRecordView(const rd_kafka_message_t* msg, bool with_headers, RecordView* view,
                  int compression = 0);

// 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd; -1 for an unknown name.
int CompressionCode(std::string_view name);

}  // namespace kpk::cli::client
