using System.Text;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>
/// Where a secret (or an API key) comes from: an environment variable, a file, or stdin, hidden when stdin is a
/// terminal. Never a command-line argument. The value is never echoed or written anywhere.
/// </summary>
internal static class SecretInput
{
    public static string? Read(ClientContext context, string? fromFile, string? fromEnv, string what, out string? problem)
    {
        problem = null;
        if (fromEnv is not null && fromFile is not null)
        {
            problem = "give either --from-env or --from-file, not both";
            return null;
        }
        if (fromEnv is not null)
        {
            var value = context.Environment(fromEnv);
            problem = string.IsNullOrEmpty(value) ? $"environment variable {fromEnv} is not set" : null;
            return value;
        }
        if (fromFile is not null && fromFile != "-")
        {
            try
            {
                return File.ReadAllText(fromFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"cannot read {fromFile}: {e.Message}";
                return null;
            }
        }
        if (ReferenceEquals(context.Stdin, Console.In) && !Console.IsInputRedirected)
        {
            context.Error.Write($"{what} (input hidden, Enter to finish): ");
            return ReadHidden(context.Error);
        }
        return context.Stdin.ReadToEnd();
    }

    private static string ReadHidden(TextWriter error)
    {
        var value = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                error.WriteLine();
                return value.ToString();
            }
            if (key.Key == ConsoleKey.Backspace && value.Length > 0)
            {
                value.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                value.Append(key.KeyChar);
            }
        }
    }
}
