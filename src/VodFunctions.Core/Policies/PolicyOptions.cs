namespace VodFunctions.Core.Policies;

/// <summary>Settings of the policy sweep (<c>Vod__Policies__...</c>).</summary>
public sealed class PolicyOptions : RunOptions
{
    public const string Section = "Vod:Policies";
}
