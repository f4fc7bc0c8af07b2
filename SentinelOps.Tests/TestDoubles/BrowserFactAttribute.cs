namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// A test that drives headless Chromium. It runs (and fails clearly when Chromium is missing) unless
/// <c>SENTINEL_SKIP_BROWSER_TESTS=1</c> is set, for developers without a Chromium; CI never sets it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>The environment variable that skips browser tests.</summary>
    public const string SkipVariable = "SENTINEL_SKIP_BROWSER_TESTS";

    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(SkipVariable) is "1" or "true")
        {
            Skip = $"{SkipVariable} is set: browser tests skipped.";
        }
    }
}
