from bastion.supplies.views import actions, flows, imports, items, money, stock

app_name = "supplies"

urlpatterns = [
    *stock.urlpatterns,
    *actions.urlpatterns,
    *flows.urlpatterns,
    *money.urlpatterns,
    *imports.urlpatterns,
    *items.urlpatterns,
]
