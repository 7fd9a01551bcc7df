#include "base/shared_bytes.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace zk {

namespace {

struct Mapping {
  void* data = nullptr;
  size_t size = 0;
  Mapping(void* d, size_t n) : data(d), size(n) {}
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { ::munmap(data, size); }
};

}  // namespace

SharedBytes::SharedBytes(std::vector<uint8_t> bytes) {
  auto buffer = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  span_ = *buffer;
  owner_ = std::move(buffer);
}

Result<SharedBytes> SharedBytes::map_file(const std::string& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(path + ": cannot open");
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < 0 ||
      static_cast<uint64_t>(info.st_size) > max_bytes) {
    ::close(fd);
    return fail(path + ": not a readable file, or larger than " + std::to_string(max_bytes) + " bytes");
  }
  SharedBytes out;
  const auto size = static_cast<size_t>(info.st_size);
  if (size > 0) {
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      ::close(fd);
      return fail(path + ": cannot map");
    }
    auto mapping = std::make_shared<const Mapping>(data, size);
    out.span_ = {static_cast<const uint8_t*>(data), size};
    out.owner_ = std::move(mapping);
    out.mapped_ = true;
  }
  ::close(fd);
  return out;
}

void SharedBytes::release_resident(std::span<const uint8_t> part) const {
  if (!mapped_ || part.empty()) return;
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(part.data()) + page - 1) / page * page;
  const auto end = (reinterpret_cast<uintptr_t>(part.data()) + part.size()) / page * page;
  if (begin < end) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace zk
