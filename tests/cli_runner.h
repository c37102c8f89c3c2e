// For tests of the binary: runs `caspian ARGS` (CASPIAN_BINARY) through the shell and collects
// its output and exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace caspian::testing {

struct CliRun {
  int exit_code = -1;  // -1 when it could not be started or did not exit normally
  std::string out;     // stdout and stderr together
};

// `args` is appended to the binary's path as shell words.
inline CliRun run_cli(const std::string& args) {
  const std::string cmd = std::string(CASPIAN_BINARY) + " " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace caspian::testing
