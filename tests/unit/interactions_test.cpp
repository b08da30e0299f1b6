// Interaction logs: CSV records (quotes, line breaks in quotes), columns found by their usual
// names or given, histories in time order with ties by file order, baskets, and errors that name
// the line and the column.
#include <gtest/gtest.h>

#include <string>

#include "error_message.h"
#include "interactions.h"
#include "settings.h"

namespace embplay {
namespace {

// The item keys of a user's history, basket by basket: "a b | c".
std::string baskets_of(const InteractionLog& log, const std::string& user) {
  const History& h = log.users[log.user(user)];
  std::string s;
  for (int32_t b = 0; b < h.baskets(); ++b) {
    if (b) s += " | ";
    for (int32_t p = h.starts[b]; p < h.starts[b + 1]; ++p) s += (p > h.starts[b] ? " " : "") + log.item_keys[h.items[p]];
  }
  return s;
}

TEST(CsvReader, QuotesCommasAndLineBreaksInsideCells) {
  const std::string text = "a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\nlast,";
  CsvReader csv(text);
  std::vector<std::string> cells;
  ASSERT_TRUE(csv.next(cells));
  EXPECT_EQ(cells, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(csv.next(cells));
  EXPECT_EQ(cells, (std::vector<std::string>{"x,1", "say \"hi\""}));
  EXPECT_EQ(csv.line(), 2);
  ASSERT_TRUE(csv.next(cells));  // the blank line 3 is skipped
  EXPECT_EQ(cells, (std::vector<std::string>{"two\nlines", "z"}));
  EXPECT_EQ(csv.line(), 4);
  ASSERT_TRUE(csv.next(cells));
  EXPECT_EQ(cells, (std::vector<std::string>{"last", ""}));
  EXPECT_EQ(csv.line(), 6);  // the record with a line break inside took lines 4 and 5
  EXPECT_FALSE(csv.next(cells));

  const std::string unclosed = "a,b\n1,\"never closed\n2,3\n";
  CsvReader open(unclosed);
  ASSERT_TRUE(open.next(cells));
  EXPECT_EQ(error_of([&] { open.next(cells); }), "line 2: a quote opened here is never closed");
}

TEST(ReadEvents, TimeOrderTiesByFileOrderAndBasketsByInvoice) {
  // Rows out of time order; u1's invoice 7 and 8 share a time; "b" twice in invoice 7.
  const std::string csv =
      "CustomerID,StockCode,InvoiceDate,InvoiceNo,Quantity,Description\n"
      "u1,c,2011-01-02 10:00:00,8,1,Cup\n"
      "u1,a,2011-01-01 09:00,5,2,\"Apple, green\"\n"
      "u2,a,100,9,1,\n"
      "u1,b,2011-01-02 10:00:00,7,1,\n"
      "u1,d,2011-01-02 10:00:00,7,3,\n"
      "u1,b,2011-01-02 10:00:00,7,1,\n";
  const InteractionLog log = read_events(csv);
  EXPECT_EQ(log.user_count(), 2);
  EXPECT_EQ(log.item_count(), 4);
  EXPECT_EQ(log.rows, 6);
  EXPECT_EQ(log.events, 5);
  EXPECT_EQ(log.repeats_dropped, 1);
  EXPECT_EQ(log.time_column, "InvoiceDate");
  EXPECT_EQ(log.basket_column, "InvoiceNo");
  EXPECT_EQ(log.value_column, "Quantity");
  // Invoice 8 comes first in the file at that time, so it is the earlier basket.
  EXPECT_EQ(baskets_of(log, "u1"), "a | c | b d");
  EXPECT_EQ(log.item_names[log.item("a")], "Apple, green");
  EXPECT_EQ(log.item_names[log.item("b")], "b");  // no name given: the key
  EXPECT_EQ(log.item("Cup"), log.item("c"));      // found by name too
  EXPECT_EQ(log.item_counts[log.item("a")], 2);
}

TEST(ReadEvents, BasketsFromTimesWithoutAnInvoiceAndGivenColumnNames) {
  const std::string csv = "who,what,when\nx,1,5\nx,2,5\nx,3,6\nx,4,5\n";
  EventColumns c;
  c.user = "who", c.item = "what", c.time = "when";
  const InteractionLog log = read_events(csv, c);
  EXPECT_EQ(baskets_of(log, "x"), "1 2 4 | 3");  // sorted by time (ties by file order), then grouped

  c.time = "none";  // no time: each event its own basket, in file order
  EXPECT_EQ(baskets_of(read_events(csv, c), "x"), "1 | 2 | 3 | 4");
}

TEST(ReadEvents, BadInputNamesTheLineAndTheColumn) {
  EXPECT_EQ(error_of([] { read_events("user,product_name\n1,2\n"); }),
            "line 1: no item column among user, product_name (the item column may be named item, item_id, itemid, "
            "product, product_id, productid, stockcode, sku)");
  EventColumns c;
  c.user = "client";
  EXPECT_EQ(error_of([&] { read_events("user,item\n1,2\n", c); }),
            "line 1: no column 'client' for the user (the header has: user, item)");
  EXPECT_EQ(error_of([] { read_events("user,item\n1,2\n,3\n"); }), "line 3: empty user in column 'user'");
  EXPECT_EQ(error_of([] { read_events("user,item\n1,2\n3\n"); }), "line 3: expected at least 2 cells, found 1");
  EXPECT_EQ(error_of([] { read_events("user,item,time\n1,2,3\n1,3,soon\n"); }),
            "line 3: column 'time': \"soon\" is not a time (a number, or YYYY-MM-DD hh:mm:ss)");
  EXPECT_EQ(error_of([] { read_events("user,item,rating\n1,2,five\n"); }),
            "line 2: column 'rating': \"five\" is not a number");
  EXPECT_EQ(error_of([] { read_events(""); }), "the events file is empty (it needs a header line naming the columns)");
  EXPECT_EQ(error_of([] { read_events("user,item\n"); }), "the events file has a header but no events");
  const InteractionLog log = read_events("user,item\n1,2\n");
  EXPECT_EQ(error_of([&] { log.user("9"); }), "no user '9' in the events");
  EXPECT_EQ(error_of([&] { log.item("9"); }), "no item '9' in the events (give its key or its exact name)");
}

TEST(ReadBaskets, OneBasketPerLineSpacesOrCommas) {
  const InteractionLog log = read_baskets("# a comment\nmilk bread, eggs\n\nbeer,nuts\tmilk milk\n");
  EXPECT_EQ(log.user_count(), 2);
  EXPECT_EQ(baskets_of(log, "line 2"), "milk bread eggs");
  EXPECT_EQ(baskets_of(log, "line 4"), "beer nuts milk");
  EXPECT_EQ(log.repeats_dropped, 1);
  EXPECT_EQ(error_of([] { read_baskets("\n# nothing\n"); }),
            "the baskets file has no items (one basket per line, items separated by spaces)");
}

TEST(ReadItemNames, NamesByKeyUnknownItemsIgnored) {
  InteractionLog log = read_events("user,item\n1,A1\n1,B2\n");
  EXPECT_EQ(read_item_names("StockCode,Description\nA1,\"Lamp, red\"\nZZ,Other\n", log), 1);
  EXPECT_EQ(log.item_names[log.item("A1")], "Lamp, red");
  EXPECT_EQ(log.item_names[log.item("B2")], "B2");
  EXPECT_EQ(error_of([&] { read_item_names("code,name\nB2\n", log); }), "line 2: expected at least 2 cells, found 1");
}

}  // namespace
}  // namespace embplay
