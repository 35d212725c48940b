using Portal.Core.Routing;

namespace Portal.Features.Rules;

public static class RuleTriggers
{
    public static string Describe(RuleTrigger t) => t switch
    {
        RuleTrigger.Created => "a ticket is created",
        RuleTrigger.Updated => "a ticket is updated",
        RuleTrigger.RequesterReplied => "the requester replies",
        RuleTrigger.AgentReplied => "an agent replies",
        RuleTrigger.StatusChanged => "the status changes",
        _ => "the priority changes",
    };
}
