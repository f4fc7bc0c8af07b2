using System.Globalization;
using Microsoft.Extensions.Logging;
using OllamaSharp;
using OllamaSharp.Models.Exceptions;

namespace SentinelOps.AppHost.Ollama;

/// <summary>
/// Waits for an Ollama server to answer, then pulls the model unless it is already there, writing its progress to the
/// resource's log (every status change and every tenth of each layer, so the log stays readable).
/// </summary>
internal static partial class OllamaModelPuller
{
    /// <summary>How often the server is asked whether it is up yet.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs until the model is present, the pull fails, or <paramref name="cancellationToken"/> fires.</summary>
    /// <returns>Whether the model is present at the end.</returns>
    public static async Task<bool> PullAsync(
        Uri endpoint, string model, OllamaModelStatus status, ILogger logger, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
        using var client = new OllamaApiClient(http, model);
        try
        {
            status.Report("waiting for the Ollama server");
            while (!await IsRunningAsync(client, cancellationToken))
            {
                await Task.Delay(PollInterval, timeProvider, cancellationToken);
            }

            if ((await client.ListLocalModelsAsync(cancellationToken)).Any(m => OllamaModelNames.Match(m.Name, model)))
            {
                LogPresent(logger, model);
                status.Report($"{model} is present");
                return true;
            }

            LogPulling(logger, model);
            string? lastStatus = null;
            var lastTenth = -1;
            await foreach (var update in client.PullModelAsync(model, cancellationToken))
            {
                if (update?.Status is not { } step)
                {
                    continue;
                }

                var tenth = update.Total > 0 ? (int)(10 * update.Completed / update.Total) : -1;
                if (step == lastStatus && tenth <= lastTenth)
                {
                    continue;
                }

                var line = update.Total > 0
                    ? $"{step}: {Size(update.Completed)} of {Size(update.Total)} ({100.0 * update.Completed / update.Total:0}%)"
                    : step;
                LogProgress(logger, model, line);
                status.Report(line);
                lastStatus = step;
                lastTenth = tenth;
            }

            var present = (await client.ListLocalModelsAsync(cancellationToken)).Any(m => OllamaModelNames.Match(m.Name, model));
            if (present)
            {
                LogPulled(logger, model);
                status.Report($"{model} is present");
            }
            else
            {
                LogMissingAfterPull(logger, model);
                status.Report($"{model} is still missing after the pull");
            }

            return present;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaException or System.Text.Json.JsonException)
        {
            // The container keeps running and stays unhealthy: the dashboard and this log say why.
            LogFailed(logger, model, ex.Message);
            status.Report($"pulling {model} failed: {ex.Message}");
            return false;
        }
    }

    private static async Task<bool> IsRunningAsync(OllamaApiClient client, CancellationToken cancellationToken)
    {
        try
        {
            return await client.IsRunningAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0 'GB'", CultureInfo.InvariantCulture)
        : (bytes / (double)(1L << 20)).ToString("0.0 'MB'", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} is already present; nothing to pull")]
    private static partial void LogPresent(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulling model {Model} (first start: this downloads it once into the volume)")]
    private static partial void LogPulling(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Progress}")]
    private static partial void LogProgress(ILogger logger, string model, string progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} is ready")]
    private static partial void LogPulled(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Model} is still missing after the pull")]
    private static partial void LogMissingAfterPull(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pulling model {Model} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string model, string reason);
}
