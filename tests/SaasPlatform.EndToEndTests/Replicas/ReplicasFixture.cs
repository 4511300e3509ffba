namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// The platform with two replicas of every service (<c>--Platform:Replicas=2</c>), started once for the tests of the
/// <see cref="ReplicasCollection"/>: what must hold when each service runs scaled out behind a load-balancing proxy.
/// </summary>
public sealed class ReplicasFixture() : PlatformFixture(replicas: 2);

[CollectionDefinition(Name)]
public sealed class ReplicasCollection : ICollectionFixture<ReplicasFixture>
{
    public const string Name = "replicas";
}
