// Whole text files and command output as strings.
#pragma once
#include <string>

namespace cxlrig {

// The file's bytes; InfraError naming the path when it cannot be read.
std::string read_text_file(const std::string& path);
// Without trailing newlines (a command's one-line answer, a one-line file).
std::string chomp(std::string s);
// The last `lines` lines of a text, trailing blank lines left out (a tool's last words).
std::string last_lines(const std::string& text, size_t lines);

}  // namespace cxlrig
