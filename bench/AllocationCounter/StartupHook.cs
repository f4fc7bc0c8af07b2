/// <summary>
/// A .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>) that writes the process's total allocated bytes to the file named
/// by <c>ALLOCATION_COUNTER_FILE</c> ten times a second, so a benchmark can read the exact bytes a process allocated
/// over a load run and divide them by the requests served: an exact figure, where event counters give a sampled rate.
/// </summary>
/// <remarks>The runtime finds the hook by this exact name: a type <c>StartupHook</c> in no namespace.</remarks>
internal static class StartupHook
{
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("ALLOCATION_COUNTER_FILE");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        new Thread(() => Write(path)) { IsBackground = true, Name = "allocation-counter" }.Start();
    }

    private static void Write(string path)
    {
        var staging = path + ".tmp";
        while (true)
        {
            File.WriteAllText(staging, GC.GetTotalAllocatedBytes(precise: false).ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Move(staging, path, overwrite: true);
            Thread.Sleep(100);
        }
    }
}
