// An option table: the name, type, range, default and hint of every field of a plain settings
// struct, declared once. From it come the JSON schema the page builds its forms from, the checked
// JSON reader and writer, and the command-line setter. Used by the next-word model's Settings and
// by word2vec's options, so both validate and explain themselves the same way.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "input_error.h"

namespace embplay {

template <typename T>
class OptionTable {
 public:
  using json = nlohmann::json;
  enum class Type { Int, Float, Bool, Choice };

  struct Field {
    const char* name;
    Type type;
    double min, max;                   // Int and Float
    std::vector<std::string> choices;  // Choice
    const char* hint;
    std::function<json(const T&)> get;
    std::function<void(T&, const json&)> set;  // the value is already checked
  };

  // A field stored in a member of T.
  template <typename M>
  static Field number(const char* name, Type type, double min, double max, M T::*member, const char* hint) {
    return {name, type, min, max, {}, hint, [member](const T& t) { return number_json(t.*member); },
            [member](T& t, const json& v) { t.*member = static_cast<M>(v.get<double>()); }};
  }
  static Field choice(const char* name, std::vector<std::string> choices, std::string T::*member, const char* hint) {
    return {name, Type::Choice, 0, 0, std::move(choices), hint, [member](const T& t) { return json(t.*member); },
            [member](T& t, const json& v) { t.*member = v.get<std::string>(); }};
  }
  static Field flag(const char* name, bool T::*member, const char* hint) {
    return {name, Type::Bool, 0, 1, {}, hint, [member](const T& t) { return json(t.*member); },
            [member](T& t, const json& v) { t.*member = v.get<bool>(); }};
  }
  // A field in a struct inside T: `outer` is T's member, `inner` that struct's.
  template <typename S, typename M>
  static Field nested(const char* name, Type type, double min, double max, S T::*outer, M S::*inner,
                      const char* hint) {
    return {name, type, min, max, {}, hint, [outer, inner](const T& t) { return json((t.*outer).*inner); },
            [outer, inner](T& t, const json& v) { (t.*outer).*inner = v.get<M>(); }};
  }

  // `what` names the struct in messages: "setting", "word2vec option".
  OptionTable(std::string what, std::vector<Field> fields) : what_(std::move(what)), fields_(std::move(fields)) {}

  // [{name, type: int|float|bool|choice, min, max, default, choices?, hint}, ...]
  json schema() const {
    static const char* type_names[] = {"int", "float", "bool", "choice"};
    const T defaults{};
    json schema = json::array();
    for (const auto& f : fields_) {
      json item = {{"name", f.name}, {"type", type_names[static_cast<int>(f.type)]}, {"default", f.get(defaults)},
                   {"hint", f.hint}};
      if (f.type == Type::Int) item["min"] = static_cast<int64_t>(f.min), item["max"] = static_cast<int64_t>(f.max);
      if (f.type == Type::Float) item["min"] = f.min, item["max"] = f.max;
      if (f.type == Type::Choice) item["choices"] = f.choices;
      schema.push_back(item);
    }
    return schema;
  }

  // Absent fields keep their defaults; an unknown field or a bad value throws InputError.
  T from_json(const json& j) const {
    if (!j.is_object()) throw InputError(what_ + "s must be a JSON object");
    T t{};
    for (const auto& [name, value] : j.items()) {
      const Field& f = find(name);
      check(f, value);
      f.set(t, value);
    }
    return t;
  }

  json to_json(const T& t) const {
    json j = json::object();
    for (const auto& f : fields_) j[f.name] = f.get(t);
    return j;
  }

  // Sets one field from command-line text ("--dim 64").
  void set_from_text(T& t, const std::string& name, const std::string& text) const {
    const Field& f = find(name);
    json value = text;  // a string: right for Choice, refused by check() for the others unless parsed
    if (f.type == Type::Bool) {
      if (text == "true" || text == "1" || text == "yes") value = true;
      if (text == "false" || text == "0" || text == "no") value = false;
    } else if (f.type != Type::Choice) {
      const json parsed = json::parse(text, nullptr, false);
      if (!parsed.is_discarded()) value = parsed;
    }
    check(f, value);
    f.set(t, value);
  }

  // Throws InputError naming the first field out of its range.
  void validate(const T& t) const {
    for (const auto& f : fields_) check(f, f.get(t));
  }

  // A float as JSON by its shortest decimal that reads back to the same float (0.002, not
  // 0.0020000000949949026, which is what the float widened to double would print).
  static json number_json(float x) {
    for (int digits = 6; digits < 9; ++digits) {
      std::ostringstream out;
      out.precision(digits);
      out << x;
      const double shortest = std::stod(out.str());
      if (static_cast<float>(shortest) == x) return shortest;
    }
    return static_cast<double>(x);
  }
  template <typename M>
  static json number_json(M x) { return x; }

  static std::string format_number(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
  }

 private:
  const Field& find(const std::string& name) const {
    for (const auto& f : fields_)
      if (name == f.name) return f;
    throw InputError("unknown " + what_ + ": " + name);
  }

  static std::string allowed(const Field& f) {
    switch (f.type) {
      case Type::Int: return "a whole number from " + format_number(f.min) + " to " + format_number(f.max);
      case Type::Float: return "a number from " + format_number(f.min) + " to " + format_number(f.max);
      case Type::Bool: return "true or false";
      case Type::Choice: {
        std::string s = "one of";
        for (const auto& c : f.choices) s += " " + c;
        return s;
      }
    }
    return "";
  }

  void check(const Field& f, const json& v) const {
    const auto number_ok = [&](bool whole) {
      if (!v.is_number()) return false;
      const double x = v.get<double>();
      return std::isfinite(x) && (!whole || x == std::floor(x)) && x >= f.min && x <= f.max;
    };
    bool ok = false;
    switch (f.type) {
      case Type::Int: ok = number_ok(true); break;
      case Type::Float: ok = number_ok(false); break;
      case Type::Bool: ok = v.is_boolean(); break;
      case Type::Choice:
        ok = v.is_string() && std::find(f.choices.begin(), f.choices.end(), v.get<std::string>()) != f.choices.end();
        break;
    }
    if (!ok) throw InputError(what_ + " " + f.name + " must be " + allowed(f) + ", not " + v.dump());
  }

  std::string what_;
  std::vector<Field> fields_;
};

}  // namespace embplay
