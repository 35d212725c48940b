using Portal.Core.Sla;
using Portal.Features.Sla;

namespace Portal.Tests.Components;

/// <summary>The SLA policy form's state: what the admin set comes back in the input the page saves.</summary>
public class PolicyModelTests
{
    [Fact]
    public void KeepCountingWhileAwaitingApproval_SurvivesTheForm_BothWays()
    {
        var input = new PolicyInput(7, "IT business hours", 1, 30, false, true, new PolicyConditions(),
            new Dictionary<string, IReadOnlyDictionary<SlaMetric, string>> { ["High"] = new Dictionary<SlaMetric, string> { [SlaMetric.Resolution] = "PT4H" } },
            new Dictionary<SlaMetric, IReadOnlyCollection<Portal.Core.Tickets.TicketStatus>>(), "0.75", 3, CountsAwaitingApproval: true);

        var model = PolicyModel.From(input);
        Assert.True(model.CountsAwaitingApproval);
        Assert.True(model.ToInput(7).CountsAwaitingApproval);

        model.CountsAwaitingApproval = false;
        Assert.False(model.ToInput(7).CountsAwaitingApproval);
        Assert.Equal(3, model.ToInput(7).ExpectedVersion);
    }
}
