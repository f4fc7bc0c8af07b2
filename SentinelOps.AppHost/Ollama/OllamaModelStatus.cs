namespace SentinelOps.AppHost.Ollama;

/// <summary>How far the model pull has got, shared by the puller (writer) and the health check (reader).</summary>
internal sealed class OllamaModelStatus
{
    private volatile string _description = "not started";

    /// <summary>One line for the dashboard, e.g. <c>pulling 6a0746a1ec1a: 1.2 GB of 2.0 GB (60%)</c>.</summary>
    public string Description => _description;

    /// <summary>Records the current step.</summary>
    public void Report(string description) => _description = description;
}
