// frost: convert ONNX models to .frost, inspect them, run them.
#include <cstdio>
#include <vector>

#include "commands.hpp"

namespace frost::cli {

int ReportError(const Status& status) {
  std::fprintf(stderr, "frost: %s\n", status.message().c_str());
  return kExitError;
}

int ReportUsage(const std::string& message, const CLI::App& command) {
  std::fprintf(stderr, "frost: %s\nRun '%s --help' for usage.\n", message.c_str(),
               command.get_parent() ? ("frost " + command.get_name()).c_str() : "frost");
  return kExitUsage;
}

}  // namespace frost::cli

int main(int argc, char** argv) {
  using namespace frost::cli;
  CLI::App app{
      "frost: converts ONNX ResNet/VGG-style models to .frost files and runs them on the CPU.",
      "frost"};
  app.set_version_flag("--version", std::string("frost ") + frost::Version());
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 error (message on stderr), 2 bad command line.\n"
      "Run 'frost COMMAND --help' for the options of a command.");

  std::vector<Command> commands;
#ifdef FROST_HAVE_CONVERTER
  commands.push_back(AddConvertCommand(app));
#endif
  commands.push_back(AddInfoCommand(app));
  commands.push_back(AddRunCommand(app));
  commands.push_back(AddEvalCommand(app));
  commands.push_back(AddFinetuneCommand(app));
  commands.push_back(AddBenchCommand(app));

  // CLI11 would say "a subcommand is required" for a mistyped command; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const Command& command : commands) {
      known |= command.app->check_name(argv[1]);
      names += (names.empty() ? "" : ", ") + command.app->get_name();
    }
    if (!known) {
      return ReportUsage("unknown command '" + std::string(argv[1]) + "' (commands: " + names + ")",
                         app);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& e) {
    std::printf("%s\n", e.what());
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    const CLI::App* failed = &app;
    for (const Command& command : commands) {
      if (command.app->parsed()) failed = command.app;
    }
    return ReportUsage(e.what(), *failed);
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return ReportUsage("no command given", app);
}
