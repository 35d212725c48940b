using Portal.Core.Departments;
using Portal.Core.Persistence;

namespace Portal.Core.Catalog;

/// <summary>A service catalog item's category is filed through the item's form, never the plain request form.</summary>
internal sealed class CatalogItemCategories : ICategoriesWithOwnForm
{
    public IQueryable<int> CategoryIds(DeskDbContext db) => db.CatalogItems.Select(i => i.CategoryId);
}
