// Interaction logs for recommendations: who took which item, when, in which basket. Read from a
// CSV of events (a header naming the columns, RFC 4180 quoting) or from baskets (one per line),
// with item names from an items CSV. Items become dense ids; each user's events become a history
// in time order (ties by file order), grouped into baskets (invoices, orders, sessions).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace embplay {

// One user's items in time order, cut into baskets: basket b is items[starts[b] .. starts[b+1]).
// An item appears at most once per basket (a repeat within a basket is dropped when reading).
struct History {
  Ids items;                   // (n) item ids
  std::vector<int32_t> starts; // (baskets + 1) where each basket begins in items; starts.back() == n

  int32_t size() const { return static_cast<int32_t>(items.size()); }
  int32_t baskets() const { return starts.empty() ? 0 : static_cast<int32_t>(starts.size()) - 1; }
  // Appends one basket (may be empty: then nothing is added).
  void add_basket(const int32_t* first, const int32_t* last);
};

// The column names of an events file. An empty name means "find it": the first header cell that
// is one of the usual names (case-insensitive) listed in interactions.cpp; user and item must be
// found, the others are optional. Set `none` in an optional one to ignore that column.
struct EventColumns {
  std::string user;    // who: user, user_id, customer, customer_id, customerid, visitor
  std::string item;    // what: item, item_id, product, product_id, stockcode, sku
  std::string time;    // when (optional): timestamp, time, date, datetime, invoicedate
  std::string basket;  // grouping (optional): invoice, invoiceno, basket, order, order_id, session
  std::string value;   // amount (optional): quantity, rating, value, count
  std::string name;    // item name (optional): name, item_name, title, description
};

struct InteractionLog {
  std::vector<std::string> item_keys;   // (I) item id -> its key in the file (a stock code)
  std::vector<std::string> item_names;  // (I) item id -> a readable name (the key when none given)
  std::vector<std::string> user_keys;   // (U) user id -> its key in the file
  std::vector<History> users;           // (U) each user's history
  std::vector<int64_t> item_counts;     // (I) events per item (after dropping repeats in a basket)
  std::unordered_map<std::string, int32_t> item_index, user_index;

  // What reading found, for the page's summary and the CLI.
  int64_t rows = 0;              // data rows read
  int64_t events = 0;            // events kept
  int64_t repeats_dropped = 0;   // an item again in the same basket
  std::string time_column, basket_column, value_column, name_column;  // "" when absent

  int32_t item_count() const { return static_cast<int32_t>(item_keys.size()); }
  int32_t user_count() const { return static_cast<int32_t>(users.size()); }
  // The id of a user by key; throws InputError ("no user 'x' in the events") when absent.
  int32_t user(const std::string& key) const;
  // The id of an item by key or exact name; throws InputError when absent.
  int32_t item(const std::string& key_or_name) const;
};

// Reads an events CSV. Each user's events are sorted by time (stable: ties keep file order); with
// a basket column, the events of one basket form one basket (baskets ordered by their first
// event); without one, events with the same time form a basket, and without a time column each
// event is its own basket. Throws InputError naming the line (and the column) of the first
// problem: a missing column, an empty user or item, a time or value that is not a number, a
// row with too few cells, an unterminated quote, a file with no events.
InteractionLog read_events(const std::string& text, const EventColumns& columns = EventColumns());

// Reads baskets, one per line, items separated by spaces, tabs or commas; each line is one
// user ("line 12") with one basket. Blank lines and lines starting with # are skipped.
InteractionLog read_baskets(const std::string& text);

// Sets item names from an items CSV with a header: the item column (item, item_id, stockcode,
// product, ... as above, else the first column) and the name column (name, description, title,
// else the second column). Items not in the log are ignored. Returns how many names were set.
// Throws InputError naming the line.
int64_t read_item_names(const std::string& text, InteractionLog& log);

// `s` without the white space at its ends.
std::string trim(const std::string& s);

// CSV records (RFC 4180: commas, "quoted" cells with "" for a quote, line breaks allowed inside
// quotes, \r\n or \n line ends). Blank lines are skipped.
class CsvReader {
 public:
  explicit CsvReader(const std::string& text) : text_(text) {}  // keeps a reference: text must outlive it
  explicit CsvReader(std::string&&) = delete;
  // The next record's cells; false at the end. Throws InputError for an unterminated quote.
  bool next(std::vector<std::string>& cells);
  int64_t line() const { return line_; }  // the line the last record started on (1-based)

 private:
  const std::string& text_;
  size_t pos_ = 0;
  int64_t next_line_ = 1;
  int64_t line_ = 0;
};

}  // namespace embplay
