using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>Keeps every log line (message, exception and scope values) so tests can search them.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {state} {exception}";
            owner._scopes.ForEachScope((scope, text) => text.Lines.Enqueue("scope " + scope), owner);
            owner.Lines.Enqueue(line);
        }
    }
}
