namespace SentinelOps.Gateway.Routing;

/// <summary>The attempt that won a <see cref="HedgedRace{T}"/>.</summary>
/// <typeparam name="T">An opened stream, or a whole response.</typeparam>
/// <param name="Provider">The provider that sent content first.</param>
/// <param name="Result">What it sent.</param>
/// <param name="Hedged">Whether a hedge was started in the race (whoever won it).</param>
internal readonly record struct HedgedWin<T>(ProviderClient Provider, T Result, bool Hedged);
