using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Metrology;

// Short runs in process: the machine is small and shared, and allocated bytes (the number that matters here) do not
// depend on how many iterations run. In process, no project is generated and built under the repository's props.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B))
    .HideColumns(Column.Error, Column.StdDev, Column.Median, Column.RatioSD)
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(SentinelOps.Benchmarks.RequestPathBenchmarks).Assembly).Run(args, config);
