#include "cli/proof_ledger.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

namespace zk::cli {

namespace {

constexpr size_t kMaxLedgerBytes = 4096;

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }  // also releases the lock
};

// The count the open, locked ledger holds for model_id (0 if it is empty or another model's).
Result<uint64_t> read_count(int fd, const std::string& path, const std::string& model_id) {
  std::string text(kMaxLedgerBytes + 1, '\0');
  const ssize_t got = ::pread(fd, text.data(), text.size(), 0);
  if (got < 0) return fail(path + ": cannot read the proof ledger: " + std::strerror(errno));
  if (static_cast<size_t>(got) > kMaxLedgerBytes) return fail(path + ": not a proof ledger (too long)");
  text.resize(static_cast<size_t>(got));
  uint64_t count = 0;
  if (!text.empty()) {
    const auto ledger = nlohmann::json::parse(text, nullptr, false);
    if (ledger.is_discarded() || !ledger.is_object() || !ledger.contains("model_id") || !ledger["model_id"].is_string() ||
        !ledger.contains("proofs") || !ledger["proofs"].is_number_unsigned())
      return fail(path + ": not a proof ledger (expected {\"model_id\": \"0x...\", \"proofs\": N}); it counts the "
                  "zero-knowledge proofs made with this key: restore it, or remove it only knowing that count");
    if (ledger["model_id"].get<std::string>() == model_id) count = ledger["proofs"].get<uint64_t>();
  }
  return count;
}

// Runs `update` on the ledger's count for model_id while holding an exclusive lock of the file,
// and stores the count it returns.
Result<uint64_t> update_ledger(const std::string& path, const std::string& model_id,
                               const std::function<Result<uint64_t>(uint64_t)>& update) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(path + ": cannot open the proof ledger: " + std::strerror(errno) +
                " (prove --uncounted proves without counting)");
  const Closer closer{fd};
  if (::flock(fd, LOCK_EX) != 0) return fail(path + ": cannot lock the proof ledger: " + std::strerror(errno));
  auto count = read_count(fd, path, model_id);
  if (!count) return count;
  auto next = update(*count);
  if (!next) return next;
  const std::string out = nlohmann::json{{"model_id", model_id}, {"proofs", *next}}.dump() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, out.data(), out.size(), 0) != static_cast<ssize_t>(out.size()) ||
      ::fsync(fd) != 0)
    return fail(path + ": cannot write the proof ledger: " + std::strerror(errno));
  return next;
}

}  // namespace

Result<uint64_t> recorded_proofs(const std::string& ledger_path, const std::string& model_id) {
  const int fd = ::open(ledger_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return uint64_t{0};
    return fail(ledger_path + ": cannot open the proof ledger: " + std::strerror(errno));
  }
  const Closer closer{fd};
  if (::flock(fd, LOCK_SH) != 0) return fail(ledger_path + ": cannot lock the proof ledger: " + std::strerror(errno));
  return read_count(fd, ledger_path, model_id);
}

Result<uint64_t> take_proof_slot(const std::string& ledger_path, const std::string& model_id, uint64_t budget) {
  return update_ledger(ledger_path, model_id, [&](uint64_t count) -> Result<uint64_t> {
    if (count >= budget)
      return fail(std::string(kBudgetSpent) + ": " + std::to_string(count) + " proofs recorded in " + ledger_path +
                  ", and the key stays zero-knowledge for " + std::to_string(budget) +
                  " (its hiding weight commitment is opened once per proof); run setup again for a fresh key, with "
                  "--zk-proofs N for a larger budget");
    return count + 1;
  });
}

Status return_proof_slot(const std::string& ledger_path, const std::string& model_id) {
  auto done = update_ledger(ledger_path, model_id,
                            [](uint64_t count) -> Result<uint64_t> { return count > 0 ? count - 1 : 0; });
  if (!done) return fail(done.error());
  return {};
}

}  // namespace zk::cli
