using static Lifeboat.Tests.Template.CfnTemplate;

namespace Lifeboat.Tests.Template;

/// <summary>One IAM statement as deployed (Fn::If resolved for one set of parameters), with who holds it.</summary>
internal sealed record IamStatement(string Owner, string? Sid, string Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, Dictionary<string, object?> Condition)
{
    public bool Allows(string action) => Effect == "Allow" && Actions.Any(a => ActionMatches(a, action));

    /// <summary>IAM's own matching: '*' and '?' in the granted action, case-insensitive.</summary>
    public static bool ActionMatches(string granted, string action) =>
        System.Text.RegularExpressions.Regex.IsMatch(action,
            "^" + System.Text.RegularExpressions.Regex.Escape(granted).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>Condition keys under any operator (StringEquals, Null, ArnLike…).</summary>
    public IEnumerable<string> ConditionKeys => Condition.Values.Select(Map).OfType<Dictionary<string, object?>>().SelectMany(m => m.Keys);

    public override string ToString() => $"{Owner}/{Sid ?? "(no Sid)"}: {string.Join(",", Actions)} on {string.Join(",", Resources)}";
}

/// <summary>The template's identity policies, evaluated for one deployment: roles' inline policies and SAM functions' and state machines' Policies.</summary>
internal sealed class SecurityPolicies
{
    /// <summary>Parameter sets the security tests run against: the defaults, and an off-site copy in another account.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Deployments =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["defaults"] = new Dictionary<string, string>(),
            ["offsite-copy"] = new Dictionary<string, string>
            {
                ["OffsiteBucketName"] = "lifeboat-dr-copy",
                ["OffsiteRegion"] = "eu-central-1",
                ["OffsiteAccountId"] = "210987654321",
                ["OffsiteKmsKeyArn"] = "arn:aws:kms:eu-central-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            },
        };

    public SecurityPolicies(string deployment)
    {
        Evaluator = new CfnEvaluator(Repo.Template, Deployments[deployment]);
        var statements = new List<IamStatement>();
        var samTemplates = new List<(string Owner, string Name)>();
        foreach (var (id, _) in Repo.Template.Resources.Where(r => Evaluator.Exists(r.Key)))
        {
            var type = Repo.Template.TypeOf(id);
            var properties = Map(Evaluator.Resolve(Repo.Template.PropertiesWithGlobals(id))) ?? [];
            switch (type)
            {
                case "AWS::IAM::Role":
                    foreach (var policy in List(properties.GetValueOrDefault("Policies")).Select(Map))
                    {
                        statements.AddRange(Statements(id, Map(policy?.GetValueOrDefault("PolicyDocument"))));
                    }
                    break;
                case "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy":
                    statements.AddRange(Statements(id, Map(properties.GetValueOrDefault("PolicyDocument"))));
                    break;
                case "AWS::Serverless::Function" or "AWS::Serverless::StateMachine":
                    foreach (var policy in List(properties.GetValueOrDefault("Policies")))
                    {
                        if (Map(policy) is { } map && map.ContainsKey("Statement"))
                        {
                            statements.AddRange(Statements(id, map));
                        }
                        else if (Map(policy) is { Count: 1 } template)
                        {
                            samTemplates.Add((id, template.Keys.Single()));
                        }
                        else
                        {
                            samTemplates.Add((id, Evaluator.Scalar(policy)));
                        }
                    }
                    break;
            }
        }
        All = statements;
        SamPolicyTemplates = samTemplates;
    }

    public CfnEvaluator Evaluator { get; }

    public IReadOnlyList<IamStatement> All { get; }

    /// <summary>SAM policy templates (LambdaInvokePolicy…) and managed policy names, by holder.</summary>
    public IReadOnlyList<(string Owner, string Name)> SamPolicyTemplates { get; }

    private IEnumerable<IamStatement> Statements(string owner, Dictionary<string, object?>? document) =>
        List(document?.GetValueOrDefault("Statement")).Select(Map).OfType<Dictionary<string, object?>>().Select(s => new IamStatement(
            owner,
            s.GetValueOrDefault("Sid") as string,
            s.GetValueOrDefault("Effect") as string ?? "",
            List(s.GetValueOrDefault("Action")).Select(Evaluator.Scalar).ToList(),
            List(s.GetValueOrDefault("Resource")).Select(Evaluator.Scalar).ToList(),
            Map(s.GetValueOrDefault("Condition")) ?? []));
}
