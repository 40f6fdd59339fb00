using WaypointWebhook.Cluster;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Cluster;

/// <summary>The merge rules that keep the watch, a relist and a confirming GET from losing an update.</summary>
public sealed class ResourceTableTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");

    private static ResourceTable<string> Listed(ulong version, params (ObjectKey Key, string Item, ulong Version)[] items) =>
        ResourceTable<string>.Empty.Relisted(items.Select(i => (i.Key, new Versioned<string>(i.Item, i.Version))), version);

    [Fact]
    public void A_watch_event_replaces_an_older_item_and_advances_the_table()
    {
        var table = Listed(10, (A, "v5", 5)).Upserted(A, "v12", 12);

        Assert.Equal("v12", table.Get(A));
        Assert.Equal(12ul, table.ResourceVersion);
    }

    [Fact]
    public void An_older_item_never_replaces_a_newer_one()
    {
        var table = Listed(10, (A, "v9", 9)).Confirmed(A, "v15", 15).Table.Upserted(A, "v12", 12);

        Assert.Equal("v15", table.Get(A));
        Assert.Equal(12ul, table.ResourceVersion);
    }

    [Fact]
    public void A_delete_older_than_the_item_keeps_it()
    {
        // The object was deleted at 11 and created again at 14; a GET saw the new one before the watch did.
        var table = Listed(10, (A, "v9", 9)).Confirmed(A, "v14", 14).Table.Deleted(A, 11);

        Assert.Equal("v14", table.Get(A));
        Assert.Equal(11ul, table.ResourceVersion);
    }

    [Fact]
    public void A_delete_removes_the_item()
    {
        var table = Listed(10, (A, "v9", 9), (B, "b", 3)).Deleted(A, 11);

        Assert.Null(table.Get(A));
        Assert.Equal("b", table.Get(B));
        Assert.Equal(11ul, table.ResourceVersion);
    }

    [Fact]
    public void A_GET_below_the_table_version_for_a_key_it_lacks_is_a_deletion_it_already_saw()
    {
        var table = Listed(10, (B, "b", 3)).Upserted(A, "v11", 11).Deleted(A, 12);

        var (after, current) = table.Confirmed(A, "v11", 11);

        Assert.Null(current);
        Assert.Same(table, after);
    }

    [Fact]
    public void A_GET_above_the_table_version_adds_what_the_watch_has_not_brought_yet()
    {
        var table = Listed(10);

        var (after, current) = table.Confirmed(A, "v13", 13);

        Assert.Equal("v13", current);
        Assert.Equal("v13", after.Get(A));
        Assert.Equal(10ul, after.ResourceVersion); // a GET does not make the table complete at 13
    }

    [Fact]
    public void A_GET_older_than_the_item_returns_the_item()
    {
        var table = Listed(20, (A, "v18", 18));

        var (after, current) = table.Confirmed(A, "v15", 15);

        Assert.Equal("v18", current);
        Assert.Same(table, after);
    }

    [Fact]
    public void A_GET_without_an_integer_resourceVersion_is_used_but_never_cached()
    {
        var table = Listed(20);

        var (after, current) = table.Confirmed(A, "opaque", 0);

        Assert.Equal("opaque", current);
        Assert.Null(after.Get(A));
    }

    [Fact]
    public void A_relist_keeps_items_newer_than_the_list_and_drops_the_rest()
    {
        // Before the relist: A from a GET at 30, B known at 5. The list at 25 has B gone and A at 24.
        var table = Listed(20, (B, "b5", 5)).Confirmed(A, "a30", 30).Table;

        var relisted = table.Relisted([(A, new Versioned<string>("a24", 24))], 25);

        Assert.Equal("a30", relisted.Get(A));
        Assert.Null(relisted.Get(B));
        Assert.Equal(25ul, relisted.ResourceVersion);
    }

    [Fact]
    public void Watch_events_without_integer_versions_apply_in_the_order_they_come()
    {
        var table = ResourceTable<string>.Of([(A, "file")]).Upserted(A, "next", 0).Upserted(B, "b", 0).Deleted(B, 0);

        Assert.Equal("next", table.Get(A));
        Assert.Null(table.Get(B));
    }

    [Theory]
    [InlineData("12345", 12345ul)]
    [InlineData("0", 0ul)]
    [InlineData(null, 0ul)]
    [InlineData("", 0ul)]
    [InlineData("-1", 0ul)]
    [InlineData("12a", 0ul)]
    [InlineData("18446744073709551616", 0ul)]
    public void Resource_versions_parse_as_integers_or_unknown(string? text, ulong expected) =>
        Assert.Equal(expected, ResourceVersions.Parse(text));
}
