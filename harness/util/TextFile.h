// Whole text files and command output as strings.
#pragma once
#include <string>

namespace cxlrig {

// The file's bytes; InfraError naming the path when it cannot be read.
std::string read_text_file(const std::string& path);
// Without trailing newlines (a command's one-line answer, a one-line file).
std::string chomp(std::string s);

}  // namespace cxlrig
