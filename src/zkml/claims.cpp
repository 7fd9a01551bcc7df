// Parsing and compiling claims about the outputs (claims.hpp).
#include "zkml/claims.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <optional>

namespace zk::zkml {

namespace {

enum class Op { ge, gt, le, lt, eq };

const char* op_text(Op op) {
  switch (op) {
    case Op::ge: return ">=";
    case Op::gt: return ">";
    case Op::le: return "<=";
    case Op::lt: return "<";
    case Op::eq: return "==";
  }
  return "?";
}

struct Token {
  enum Kind { word, number, op, open, close } kind;
  std::string text;
};

bool number_char(char c) { return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; }

Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (c >= 'a' && c <= 'z') {
      size_t j = i;
      while (j < text.size() && text[j] >= 'a' && text[j] <= 'z') ++j;
      out.push_back({Token::word, std::string(text.substr(i, j - i))});
      i = j;
    } else if ((c >= '0' && c <= '9') || c == '.' || c == '-') {
      size_t j = i + 1;
      while (j < text.size() && number_char(text[j]) && !(text[j] == '-' && text[j - 1] != 'e' && text[j - 1] != 'E'))
        ++j;
      out.push_back({Token::number, std::string(text.substr(i, j - i))});
      i = j;
    } else if (c == '[' || c == ']') {
      out.push_back({c == '[' ? Token::open : Token::close, std::string(1, c)});
      ++i;
    } else if (c == '<' || c == '>' || c == '=') {
      const bool two = i + 1 < text.size() && text[i + 1] == '=';
      if (c == '=' && !two) return fail("'=' must be '=='");
      out.push_back({Token::op, std::string(text.substr(i, two ? 2 : 1))});
      i += two ? 2 : 1;
    } else {
      return fail(std::string("unexpected character '") + c + "'");
    }
  }
  return out;
}

Result<double> parse_number(const Token& t) {
  if (t.kind != Token::number) return fail("expected a number, got '" + t.text + "'");
  double v = 0;
  const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
  if (ec != std::errc() || end != t.text.data() + t.text.size() || !std::isfinite(v))
    return fail("'" + t.text + "' is not a finite decimal number");
  return v;
}

Result<uint32_t> parse_index(const Token& t) {
  uint32_t v = 0;
  const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
  if (t.kind != Token::number || ec != std::errc() || end != t.text.data() + t.text.size())
    return fail("'" + t.text + "' is not an index");
  return v;
}

Result<Op> parse_op(const Token& t) {
  if (t.kind == Token::op)
    for (Op op : {Op::ge, Op::gt, Op::le, Op::lt, Op::eq})
      if (t.text == op_text(op)) return op;
  return fail("expected a comparison, got '" + t.text + "'");
}

std::string number_text(double v) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}

// A parsed claim: argmax == index, or bounds on y[index] (lower: y OP_lower v, upper: y OP_upper v).
struct Parsed {
  bool argmax = false;
  uint32_t index = 0;
  std::optional<std::pair<Op, double>> lower, upper;  // lower: ge/gt, upper: le/lt
  std::string canonical;
};

// y[I]: tokens at `at` (advanced past it).
Result<uint32_t> parse_output(const std::vector<Token>& t, size_t& at) {
  if (at + 4 > t.size() || t[at].kind != Token::word || t[at].text != "y" || t[at + 1].kind != Token::open ||
      t[at + 3].kind != Token::close)
    return fail("expected y[I]");
  auto index = parse_index(t[at + 2]);
  if (!index) return fail(index.error());
  at += 4;
  return *index;
}

Result<Parsed> parse(std::string_view text) {
  if (text.size() > kMaxClaimBytes) return fail("longer than " + std::to_string(kMaxClaimBytes) + " bytes");
  auto tokens = tokenize(text);
  if (!tokens) return fail(tokens.error());
  const std::vector<Token>& t = *tokens;
  if (t.empty()) return fail("empty");
  Parsed p;
  if (t[0].kind == Token::word && t[0].text == "argmax") {
    if (t.size() != 3 || t[1].kind != Token::op || t[1].text != "==") return fail("expected 'argmax == K'");
    auto index = parse_index(t[2]);
    if (!index) return fail(index.error());
    p.argmax = true;
    p.index = *index;
    p.canonical = "argmax == " + std::to_string(p.index);
    return p;
  }
  size_t at = 0;
  if (t[0].kind == Token::word) {
    auto index = parse_output(t, at);
    if (!index) return fail(index.error());
    if (t.size() != 6) return fail("expected 'y[I] OP V'");
    auto op = parse_op(t[4]);
    if (!op) return fail(op.error());
    auto v = parse_number(t[5]);
    if (!v) return fail(v.error());
    p.index = *index;
    if (*op == Op::ge || *op == Op::gt || *op == Op::eq) p.lower = {{*op == Op::gt ? Op::gt : Op::ge, *v}};
    if (*op == Op::le || *op == Op::lt || *op == Op::eq) p.upper = {{*op == Op::lt ? Op::lt : Op::le, *v}};
    p.canonical = "y[" + std::to_string(p.index) + "] " + op_text(*op) + " " + number_text(*v);
    return p;
  }
  if (t.size() != 8) return fail("expected 'y[I] OP V' or 'V1 OP1 y[I] OP2 V2'");
  auto low = parse_number(t[0]);
  if (!low) return fail(low.error());
  auto op1 = parse_op(t[1]);
  if (!op1) return fail(op1.error());
  at = 2;
  auto index = parse_output(t, at);
  if (!index) return fail(index.error());
  auto op2 = parse_op(t[6]);
  if (!op2) return fail(op2.error());
  auto high = parse_number(t[7]);
  if (!high) return fail(high.error());
  for (Op op : {*op1, *op2})
    if (op != Op::le && op != Op::lt) return fail("a range uses '<=' or '<' on both sides");
  p.index = *index;
  p.lower = {{*op1 == Op::lt ? Op::gt : Op::ge, *low}};
  p.upper = {{*op2, *high}};
  p.canonical = number_text(*low) + " " + op_text(*op1) + " y[" + std::to_string(p.index) + "] " + op_text(*op2) +
                " " + number_text(*high);
  return p;
}

__extension__ typedef __int128 i128;

// m 2^e = x exactly, m an integer with |m| < 2^53 (x finite).
std::pair<int64_t, int> integer_mantissa(double x) {
  int e = 0;
  const double f = std::frexp(x, &e);  // x = f 2^e, 0.5 <= |f| < 1
  return {static_cast<int64_t>(std::ldexp(f, 53)), e - 53};
}

// The sign of n s - v, exactly (s and v are binary fractions; |n| < 2^40).
int compare_scaled(int64_t n, double s, double v) {
  const auto [ms, es] = integer_mantissa(s);
  const auto [mv, ev] = integer_mantissa(v);
  const i128 a = static_cast<i128>(n) * ms, b = mv;
  auto sign = [](i128 x) { return x > 0 ? 1 : x < 0 ? -1 : 0; };
  if (a == 0 || b == 0 || sign(a) != sign(b)) return sign(a - b);
  // Same signs: the sign of |a| 2^d - |b|, d = es - ev (|a| < 2^93, |b| < 2^53): shifted only
  // where the result stays below 2^94, otherwise one side is known to be larger.
  const i128 abs_a = a < 0 ? -a : a, abs_b = b < 0 ? -b : b;
  auto width = [](i128 x) {
    int w = 0;
    for (; x != 0; x >>= 1) ++w;
    return w;
  };
  const int d = es - ev;
  int magnitude = 0;
  if (d >= 0)
    magnitude = width(abs_a) + d > 54 ? 1 : sign((abs_a << d) - abs_b);
  else
    magnitude = width(abs_b) - d > 94 ? -1 : sign(abs_a - (abs_b << -d));
  return sign(a) > 0 ? magnitude : -magnitude;
}

// The least integer n in [lo - 1, hi + 1] with n s >= v (strict: n s > v), or hi + 1 if none.
int64_t least_above(double v, bool strict, double s, int64_t lo, int64_t hi) {
  auto holds = [&](int64_t n) { return compare_scaled(n, s, v) > (strict ? 0 : -1); };
  const double q = std::ceil(v / s);
  int64_t n = q < static_cast<double>(lo - 1) ? lo - 1 : q > static_cast<double>(hi + 1) ? hi + 1 : static_cast<int64_t>(q);
  while (n > lo - 1 && holds(n - 1)) --n;
  while (n <= hi && !holds(n)) ++n;
  return n;
}

// The greatest integer n in [lo - 1, hi + 1] with n s <= v (strict: n s < v), or lo - 1 if none.
int64_t greatest_below(double v, bool strict, double s, int64_t lo, int64_t hi) {
  auto holds = [&](int64_t n) { return compare_scaled(n, s, v) < (strict ? 0 : 1); };
  const double q = std::floor(v / s);
  int64_t n = q < static_cast<double>(lo - 1) ? lo - 1 : q > static_cast<double>(hi + 1) ? hi + 1 : static_cast<int64_t>(q);
  while (n < hi + 1 && holds(n + 1)) ++n;
  while (n >= lo && !holds(n)) --n;
  return n;
}

}  // namespace

Result<std::string> canonical_claim(std::string_view text) {
  auto p = parse(text);
  if (!p) return fail("claim '" + std::string(text) + "': " + p.error());
  return p->canonical;
}

Result<std::vector<LinearForm>> compile_claims(const ModelSpec& spec, std::span<const std::string> claims,
                                               std::vector<uint32_t>* claim_of) {
  if (claims.size() > kMaxClaims) return fail("more than " + std::to_string(kMaxClaims) + " claims");
  const Layer& last = spec.layers.back();
  const uint64_t outputs = spec.output_features();
  // y[i] is value i of the outputs back to back (ModelSpec): its scale is its output's.
  auto scale_of = [&](uint64_t i) {
    size_t k = 0;
    for (; k + 1 < spec.outputs.size() && i >= spec.output_shape(k).size(); ++k) i -= spec.output_shape(k).size();
    return spec.output_scale(k);
  };
  bool one_scale = true;
  for (size_t k = 1; k < spec.outputs.size(); ++k) one_scale = one_scale && spec.output_scale(k) == spec.output_scale(0);
  std::vector<LinearForm> forms;
  if (claim_of) claim_of->clear();
  for (uint32_t c = 0; c < claims.size(); ++c) {
    auto p = parse(claims[c]);
    if (!p) return fail("claim '" + claims[c] + "': " + p.error());
    if (p->index >= outputs)
      return fail("claim '" + claims[c] + "': index " + std::to_string(p->index) + " outside the output (" +
                  std::to_string(outputs) + " values)");
    const uint32_t k = p->index;
    const double s = scale_of(k);
    if (p->argmax && !one_scale)
      return fail("claim '" + claims[c] + "': argmax over outputs of different scales");
    if (p->argmax) {
      for (uint32_t j = 0; j < outputs; ++j)
        if (j != k) forms.push_back({{k, j}, {1, -1}, j < k ? -1 : 0});
    }
    if (p->lower) {
      const int64_t n = least_above(p->lower->second, p->lower->first == Op::gt, s, last.lo, last.hi);
      forms.push_back({{k, 0}, {1, 0}, -n});
    }
    if (p->upper) {
      const int64_t n = greatest_below(p->upper->second, p->upper->first == Op::lt, s, last.lo, last.hi);
      forms.push_back({{k, 0}, {-1, 0}, n});
    }
    if (forms.size() > kMaxForms) return fail("more than " + std::to_string(kMaxForms) + " linear forms");
    if (claim_of) claim_of->resize(forms.size(), c);
  }
  return forms;
}

uint32_t form_bits(const ModelSpec& spec) {
  const Layer& last = spec.layers.back();
  return static_cast<uint32_t>(std::bit_width(static_cast<uint64_t>(last.hi - last.lo + 1)));
}

int64_t form_value(const LinearForm& form, std::span<const int64_t> example_output) {
  int64_t v = form.constant;
  for (size_t t = 0; t < 2; ++t)
    if (form.coeff[t] != 0) v += form.coeff[t] * example_output[form.index[t]];
  return v;
}

}  // namespace zk::zkml
