// Views of librdkafka messages as the record formats see them.
#pragma once

#include <librdkafka/rdkafka.h>

#include "cli/format/record.h"

namespace kpk::cli {
inline namespace client {

// Fills `view` from `msg` (which must outlive it). Headers are parsed only when asked for,
// since that is the one costly part. `compression` is what the caller knows about the batch.
void ToRecordView(const rd_kafka_message_t* msg, bool with_headers, RecordView* view,
                  int compression = 0);

}  // namespace client
}  // namespace kpk::cli
