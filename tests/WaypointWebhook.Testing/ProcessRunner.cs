using System.Diagnostics;
using System.Text;

namespace WaypointWebhook.Testing;

/// <summary>Child processes with their arguments passed one by one (never through a shell) and their output redirected.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The start info: every stream redirected, standard error read as UTF-8 without a BOM.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs to the end (killed, with its children, after <paramref name="timeout"/>: a <see cref="TimeoutException"/>).</summary>
    public static ProcessResult Run(string file, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? env = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var list = args.ToList();
        using var process = Process.Start(StartInfo(file, list, env, workingDirectory))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        var limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', list)} did not finish in {limit}");
        }

        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs to the end; a non-zero exit is an <see cref="InvalidOperationException"/> with the output.</summary>
    public static ProcessResult RunOk(string file, params string[] args)
    {
        var result = Run(file, args);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {result}");
    }

    /// <summary>Starts without waiting, standard input closed; the caller reads (or drains) the output and ends the process.</summary>
    public static Process Start(string file, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var process = Process.Start(StartInfo(file, args, env))!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Starts with its output read and thrown away (a child that is never read can block on a full pipe).</summary>
    public static Process StartDrained(string file, params string[] args)
    {
        var process = Start(file, args);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary><c>dotnet WaypointWebhook.dll serve</c> from beside the running tests, on loopback ports, with the example cluster unless the arguments name another state.</summary>
    public static Process StartServe(int port, int healthPort, string certificateFile, string keyFile, IEnumerable<string> extra, IDictionary<string, string>? env = null) =>
        Start(
            "dotnet",
            [
                Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.dll"), "serve", "--cluster-state", RepoPaths.ExampleCluster,
                "--port", port.ToString(), "--health-port", healthPort.ToString(),
                "--tls-cert-file", certificateFile, "--tls-private-key-file", keyFile,
                .. extra,
            ],
            env);
}
