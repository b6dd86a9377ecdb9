// The `frost` subcommands. Each file adds one subcommand to the CLI11 app and returns
// what to run once the command line has been parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "frost/frost.hpp"

namespace frost::cli {

// Exit codes of the frost executable.
enum ExitCode : int { kExitOk = 0, kExitError = 1, kExitUsage = 2 };

struct Command {
  CLI::App* app = nullptr;   // the subcommand, to know whether it was chosen
  std::function<int()> run;  // returns an ExitCode
};

Command AddConvertCommand(CLI::App& app);
Command AddInfoCommand(CLI::App& app);
Command AddRunCommand(CLI::App& app);
Command AddEvalCommand(CLI::App& app);
Command AddFinetuneCommand(CLI::App& app);
Command AddBenchCommand(CLI::App& app);

// Prints "frost: <message>" on stderr and returns kExitError.
int ReportError(const Status& status);
// Prints "frost: <message>" and a pointer to the subcommand's --help; returns kExitUsage.
int ReportUsage(const std::string& message, const CLI::App& command);

}  // namespace frost::cli
