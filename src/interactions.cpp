// Reading interaction logs: CSV records, column finding, time parsing, per-user histories.
#include "interactions.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "settings.h"  // InputError

namespace embplay {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string at_line(int64_t line) { return "line " + std::to_string(line) + ": "; }

// The usual header names of each column, lower case.
const std::vector<std::string> kUserNames = {"user", "user_id", "userid", "customer", "customer_id", "customerid",
                                             "visitor", "visitorid"};
const std::vector<std::string> kItemNames = {"item", "item_id", "itemid", "product", "product_id", "productid",
                                             "stockcode", "sku"};
const std::vector<std::string> kTimeNames = {"timestamp", "time", "date", "datetime", "invoicedate"};
const std::vector<std::string> kBasketNames = {"invoice", "invoiceno", "invoice_no", "basket", "basket_id",
                                               "order", "order_id", "orderid", "session", "session_id"};
const std::vector<std::string> kValueNames = {"quantity", "rating", "value", "count"};
const std::vector<std::string> kNameNames = {"name", "item_name", "title", "description"};

std::string header_list(const std::vector<std::string>& header) {
  std::string s;
  for (const auto& h : header) s += (s.empty() ? "" : ", ") + h;
  return s;
}

// The index of the column for one role: the given name (exactly, then case-insensitively), or the
// first header cell among the usual names; -1 when optional and absent (or given as "none").
int find_column(const std::vector<std::string>& header, const std::string& given,
                const std::vector<std::string>& usual, const char* role, bool required) {
  if (given == "none" && !required) return -1;
  if (!given.empty()) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == given) return static_cast<int>(i);
    for (size_t i = 0; i < header.size(); ++i)
      if (lower(header[i]) == lower(given)) return static_cast<int>(i);
    throw InputError(at_line(1) + "no column '" + given + "' for the " + role + " (the header has: " +
                     header_list(header) + ")");
  }
  for (const auto& name : usual)
    for (size_t i = 0; i < header.size(); ++i)
      if (lower(trim(header[i])) == name) return static_cast<int>(i);
  if (required)
    throw InputError(at_line(1) + "no " + role + " column among " + header_list(header) + " (the " + role +
                     " column may be named " + header_list(usual) + ")");
  return -1;
}

// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// A time: a number (seconds, or any increasing unit), or YYYY-MM-DD[ T]hh:mm[:ss] read as UTC.
bool parse_time(const std::string& cell, double& out) {
  const std::string s = trim(cell);
  if (s.empty()) return false;
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size() && std::isfinite(x)) {
    out = x;
    return true;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char sep = 0;
  int got = std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &sec);
  if (got == 3 && s.size() == 10) got = 7, h = mi = sec = 0, sep = ' ';
  if (got < 6 || (sep != ' ' && sep != 'T') || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return false;
  out = double(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec);
  return true;
}

bool parse_number(const std::string& cell, double& out) {
  const std::string s = trim(cell);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && std::isfinite(out);
}

// Builds the log's ids and histories from events already read, in file order.
struct LogBuilder {
  InteractionLog log;
  struct Row {
    int32_t user, item;
    double time;
    int32_t basket;  // a key per (user, basket value); -1 when each event is its own basket
  };
  std::vector<Row> rows;
  std::unordered_map<std::string, int32_t> basket_index;

  int32_t intern(std::unordered_map<std::string, int32_t>& index, std::vector<std::string>& keys,
                 const std::string& key) {
    const auto [it, added] = index.emplace(key, static_cast<int32_t>(keys.size()));
    if (added) keys.push_back(key);
    return it->second;
  }

  void add(const std::string& user, const std::string& item, double time, const std::string* basket) {
    const int32_t u = intern(log.user_index, log.user_keys, user);
    const int32_t i = intern(log.item_index, log.item_keys, item);
    int32_t b = -1;
    if (basket) {
      std::string key = std::to_string(u);
      key += '\x1f';
      key += *basket;
      b = basket_index.emplace(std::move(key), static_cast<int32_t>(basket_index.size())).first->second;
    }
    rows.push_back({u, i, time, b});
  }

  // `same_time_baskets`: without a basket column, events of a user at the same time form a basket.
  InteractionLog finish(bool same_time_baskets) {
    const int32_t U = static_cast<int32_t>(log.user_keys.size()), I = log.item_count();
    std::vector<std::vector<int32_t>> by_user(static_cast<size_t>(U));
    for (size_t r = 0; r < rows.size(); ++r) by_user[rows[r].user].push_back(static_cast<int32_t>(r));
    log.users.assign(static_cast<size_t>(U), History());
    log.item_counts.assign(static_cast<size_t>(I), 0);
    std::vector<int32_t> group, first_at;
    std::vector<char> in_basket(static_cast<size_t>(I), 0);
    Ids basket;
    for (int32_t u = 0; u < U; ++u) {
      std::vector<int32_t>& ev = by_user[u];
      std::stable_sort(ev.begin(), ev.end(), [&](int32_t a, int32_t b) { return rows[a].time < rows[b].time; });
      // Basket of each event, numbered by first appearance in time order.
      group.assign(ev.size(), 0);
      std::unordered_map<int64_t, int32_t> number;
      for (size_t e = 0; e < ev.size(); ++e) {
        const Row& r = rows[ev[e]];
        int64_t key;
        if (r.basket >= 0) key = r.basket;
        else if (same_time_baskets) key = e > 0 && rows[ev[e - 1]].time == r.time ? -1 : -2 - int64_t(e);
        else key = -2 - int64_t(e);
        if (key == -1) {
          group[e] = group[e - 1];
          continue;
        }
        group[e] = number.emplace(key, static_cast<int32_t>(number.size())).first->second;
      }
      // Gather each basket's events (stable: time, then file order), dropping repeats in a basket.
      std::vector<int32_t> order(ev.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return group[a] < group[b]; });
      History& h = log.users[u];
      h.starts.push_back(0);
      for (size_t k = 0; k < order.size();) {
        const int32_t g = group[order[k]];
        basket.clear();
        for (; k < order.size() && group[order[k]] == g; ++k) {
          const int32_t item = rows[ev[order[k]]].item;
          if (in_basket[item]) {
            ++log.repeats_dropped;
            continue;
          }
          in_basket[item] = 1;
          basket.push_back(item);
        }
        for (int32_t item : basket) in_basket[item] = 0, ++log.item_counts[item];
        h.add_basket(basket.data(), basket.data() + basket.size());
      }
      log.events += h.size();
    }
    log.item_names = log.item_keys;
    return std::move(log);
  }
};

}  // namespace

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

void History::add_basket(const int32_t* first, const int32_t* last) {
  if (starts.empty()) starts.push_back(0);
  if (first == last) return;
  items.insert(items.end(), first, last);
  starts.push_back(static_cast<int32_t>(items.size()));
}

int32_t InteractionLog::user(const std::string& key) const {
  const auto it = user_index.find(key);
  if (it == user_index.end()) throw InputError("no user '" + key + "' in the events");
  return it->second;
}

int32_t InteractionLog::item(const std::string& key_or_name) const {
  const auto it = item_index.find(key_or_name);
  if (it != item_index.end()) return it->second;
  for (int32_t i = 0; i < item_count(); ++i)
    if (item_names[i] == key_or_name) return i;
  throw InputError("no item '" + key_or_name + "' in the events (give its key or its exact name)");
}

bool CsvReader::next(std::vector<std::string>& cells) {
  cells.clear();
  const std::string& t = text_;
  // Skip blank lines.
  while (pos_ < t.size() && (t[pos_] == '\n' || t[pos_] == '\r')) {
    if (t[pos_] == '\n') ++next_line_;
    ++pos_;
  }
  if (pos_ >= t.size()) return false;
  line_ = next_line_;
  std::string cell;
  for (;;) {
    if (pos_ < t.size() && t[pos_] == '"') {  // a quoted cell
      ++pos_;
      for (;;) {
        if (pos_ >= t.size()) throw InputError(at_line(line_) + "a quote opened here is never closed");
        const char c = t[pos_++];
        if (c == '"') {
          if (pos_ < t.size() && t[pos_] == '"') {
            cell += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++next_line_;
        cell += c;
      }
      // Anything after the closing quote up to the separator is kept as it is (lenient).
    }
    while (pos_ < t.size() && t[pos_] != ',' && t[pos_] != '\n') cell += t[pos_++];
    if (!cell.empty() && cell.back() == '\r' && (pos_ >= t.size() || t[pos_] == '\n')) cell.pop_back();
    cells.push_back(std::move(cell));
    cell.clear();
    if (pos_ >= t.size()) return true;
    if (t[pos_++] == '\n') {
      ++next_line_;
      return true;
    }
  }
}

InteractionLog read_events(const std::string& text, const EventColumns& columns) {
  CsvReader csv(text);
  std::vector<std::string> header, cells;
  if (!csv.next(header)) throw InputError("the events file is empty (it needs a header line naming the columns)");
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // a UTF-8 BOM
  const int user = find_column(header, columns.user, kUserNames, "user", true);
  const int item = find_column(header, columns.item, kItemNames, "item", true);
  const int time = find_column(header, columns.time, kTimeNames, "time", false);
  const int basket = find_column(header, columns.basket, kBasketNames, "basket", false);
  const int value = find_column(header, columns.value, kValueNames, "value", false);
  const int name = find_column(header, columns.name, kNameNames, "name", false);
  const int needed = std::max({user, item, time, basket, value, name}) + 1;

  LogBuilder b;
  InteractionLog& log = b.log;
  const auto column_name = [&](int c) { return c < 0 ? std::string() : header[c]; };
  log.time_column = column_name(time);
  log.basket_column = column_name(basket);
  log.value_column = column_name(value);
  log.name_column = column_name(name);
  std::unordered_map<int32_t, std::string> names;
  while (csv.next(cells)) {
    const std::string where = at_line(csv.line());
    if (static_cast<int>(cells.size()) < needed)
      throw InputError(where + "expected at least " + std::to_string(needed) + " cells, found " +
                       std::to_string(cells.size()));
    const std::string u = trim(cells[user]), i = trim(cells[item]);
    if (u.empty()) throw InputError(where + "empty user in column '" + header[user] + "'");
    if (i.empty()) throw InputError(where + "empty item in column '" + header[item] + "'");
    double t = 0;
    if (time >= 0 && !parse_time(cells[time], t))
      throw InputError(where + "column '" + header[time] + "': \"" + cells[time] +
                       "\" is not a time (a number, or YYYY-MM-DD hh:mm:ss)");
    double v = 0;
    if (value >= 0 && !parse_number(cells[value], v))
      throw InputError(where + "column '" + header[value] + "': \"" + cells[value] + "\" is not a number");
    const std::string bk = basket >= 0 ? trim(cells[basket]) : std::string();
    b.add(u, i, t, basket >= 0 ? &bk : nullptr);
    if (name >= 0 && !trim(cells[name]).empty()) names.emplace(b.rows.back().item, trim(cells[name]));
    ++log.rows;
  }
  if (log.rows == 0) throw InputError("the events file has a header but no events");
  InteractionLog out = b.finish(basket < 0 && time >= 0);
  for (const auto& [id, n] : names) out.item_names[id] = n;
  return out;
}

InteractionLog read_baskets(const std::string& text) {
  LogBuilder b;
  size_t pos = 0;
  int64_t line = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string row = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line;
    if (row.empty() || row[0] == '#') continue;
    const std::string user = "line " + std::to_string(line);
    size_t a = 0;
    while (a < row.size()) {
      size_t e = row.find_first_of(" \t,", a);
      if (e == std::string::npos) e = row.size();
      if (e > a) b.add(user, row.substr(a, e - a), 0, &user);
      a = e + 1;
    }
    ++b.log.rows;
  }
  if (b.rows.empty()) throw InputError("the baskets file has no items (one basket per line, items separated by spaces)");
  return b.finish(false);
}

int64_t read_item_names(const std::string& text, InteractionLog& log) {
  CsvReader csv(text);
  std::vector<std::string> header, cells;
  if (!csv.next(header)) throw InputError("the items file is empty (it needs a header line)");
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
  if (header.size() < 2) throw InputError(at_line(1) + "the items file needs two columns: the item and its name");
  int key = find_column(header, "", kItemNames, "item", false);
  int name = find_column(header, "", kNameNames, "name", false);
  if (key < 0) key = name == 0 ? 1 : 0;
  if (name < 0) name = key == 1 ? 0 : 1;
  int64_t set = 0;
  while (csv.next(cells)) {
    if (static_cast<int>(cells.size()) <= std::max(key, name))
      throw InputError(at_line(csv.line()) + "expected at least " + std::to_string(std::max(key, name) + 1) +
                       " cells, found " + std::to_string(cells.size()));
    const auto it = log.item_index.find(trim(cells[key]));
    const std::string n = trim(cells[name]);
    if (it == log.item_index.end() || n.empty()) continue;
    log.item_names[it->second] = n;
    ++set;
  }
  return set;
}

}  // namespace embplay
