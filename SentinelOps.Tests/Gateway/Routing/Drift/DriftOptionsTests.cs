using System.ComponentModel.DataAnnotations;
using SentinelOps.Gateway.Routing.Drift;

namespace SentinelOps.Tests.Gateway.Routing.Drift;

/// <summary>The drift settings' defaults and what validation refuses.</summary>
public sealed class DriftOptionsTests
{
    [Fact]
    public void TheDefaults_AreValid_On_AndStepThrough50_10_1()
    {
        var options = new DriftOptions();

        Assert.Empty(Validate(options));
        Assert.True(options.Enabled);
        Assert.Equal([0.5, 0.1, 0.01], options.ParsedSteps());
    }

    [Theory]
    [InlineData("10,50")]
    [InlineData("50,abc")]
    [InlineData("100,50")]
    [InlineData("")]
    [InlineData("50,0")]
    public void Steps_ThatAreNotDescendingPercentages_AreRefused_NamingTheSetting(string steps)
    {
        var errors = Validate(new DriftOptions { Steps = steps });

        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith("Gateway:Drift:Steps", StringComparison.Ordinal));
    }

    [Fact]
    public void ARecoveryRatioNotBelowTheDriftRatio_IsRefused()
    {
        var errors = Validate(new DriftOptions { LatencyRatio = 2, RecoveryRatio = 2 });

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("RecoveryRatio", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(600)]
    public void AFastWindowNotShorterThanTheBaseline_IsRefused(int fastSeconds)
    {
        var errors = Validate(new DriftOptions { FastWindow = TimeSpan.FromSeconds(fastSeconds), BaselineWindow = TimeSpan.FromMinutes(5) });

        Assert.Contains(errors, e => e.ErrorMessage == "Gateway:Drift:FastWindow must be shorter than Gateway:Drift:BaselineWindow.");
    }

    [Fact]
    public void RebaselineAfter_DefaultsToTheBaselineWindow()
    {
        Assert.Equal(TimeSpan.FromMinutes(7), new DriftOptions { BaselineWindow = TimeSpan.FromMinutes(7) }.EffectiveRebaselineAfter);
        Assert.Equal(TimeSpan.FromMinutes(2), new DriftOptions { RebaselineAfter = TimeSpan.FromMinutes(2) }.EffectiveRebaselineAfter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ARebaselineAfterNotAboveZero_IsRefused_NamingTheSetting(int seconds)
    {
        var errors = Validate(new DriftOptions { RebaselineAfter = TimeSpan.FromSeconds(seconds) });

        Assert.Contains(errors, e => e.ErrorMessage == "Gateway:Drift:RebaselineAfter must be greater than 0.");
    }

    private static List<ValidationResult> Validate(DriftOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
